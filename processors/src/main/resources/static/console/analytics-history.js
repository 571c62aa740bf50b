// Five minutes of points per series: the charts' window, and a bound on what a tab left open keeps.
const WINDOW_SECONDS = 300;

/**
 * One camera's successive counters turned into rates. The server's counters are totals since the
 * branch started, so each point comes from two successive readings, on the server's own clock
 * (uptime_seconds): time per frame over the frames analysed in between, faces and drops per minute.
 * A reading with a smaller uptime means the branch started again (the camera was re-added): the
 * history starts over.
 */
export class AnalyticsHistory {
  constructor() {
    this.previous = null;
    this.points = { timePerFrame: [], facesPerMinute: [], dropsPerMinute: [] };
  }

  add(stats) {
    const p = this.previous;
    this.previous = stats;
    if (p && stats.uptime_seconds < p.uptime_seconds) {
      Object.values(this.points).forEach((points) => points.splice(0));
      return;
    }
    const dt = p ? stats.uptime_seconds - p.uptime_seconds : 0;
    if (!p || dt <= 0) {
      return;
    }
    const t = stats.uptime_seconds;
    const frames = stats.frames_processed - p.frames_processed;
    if (frames > 0) {
      // the mean over the new frames, from the two running means
      const spent = stats.avg_processing_time * stats.frames_processed - p.avg_processing_time * p.frames_processed;
      this.push('timePerFrame', t, Math.max(0, (spent / frames) * 1000));
    }
    this.push('facesPerMinute', t, Math.max(0, ((stats.faces_detected - p.faces_detected) / dt) * 60));
    this.push('dropsPerMinute', t, Math.max(0, ((stats.frames_dropped - p.frames_dropped) / dt) * 60));
  }

  push(series, t, v) {
    const points = this.points[series];
    points.push({ t, v });
    while (points.length > 0 && points[0].t < t - WINDOW_SECONDS) {
      points.shift();
    }
  }

  /** The points of one series, oldest first. */
  series(name) {
    return this.points[name];
  }
}
