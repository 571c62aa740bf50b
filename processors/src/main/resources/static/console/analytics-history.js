// Five minutes of points per series: the charts' window, and a bound on what a tab left open keeps.
const WINDOW_SECONDS = 300;
// How far back the time per frame may reach for a precise enough mean (see meanBase).
const BASE_SECONDS = 60;
const ROUNDING = 0.5e-6;
const MAX_ERROR = 0.1e-3;

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
    this.readings = [];
    this.points = { timePerFrame: [], facesPerMinute: [], dropsPerMinute: [] };
  }

  add(stats) {
    const p = this.previous;
    this.previous = stats;
    if (p && stats.uptime_seconds < p.uptime_seconds) {
      Object.values(this.points).forEach((points) => points.splice(0));
      this.readings = [stats];
      return;
    }
    const dt = p ? stats.uptime_seconds - p.uptime_seconds : 0;
    if (!p || dt <= 0) {
      if (!p) {
        this.readings = [stats];
      }
      return;
    }
    const t = stats.uptime_seconds;
    const base = this.meanBase(stats);
    if (base) {
      // the mean over the frames since the base reading, from the two running means
      const spent = stats.avg_processing_time * stats.frames_processed - base.avg_processing_time * base.frames_processed;
      this.push('timePerFrame', t, Math.max(0, (spent / (stats.frames_processed - base.frames_processed)) * 1000));
    }
    this.push('facesPerMinute', t, Math.max(0, ((stats.faces_detected - p.faces_detected) / dt) * 60));
    this.push('dropsPerMinute', t, Math.max(0, ((stats.frames_dropped - p.frames_dropped) / dt) * 60));
  }

  /**
   * The reading to take the time per frame from. The running mean comes rounded to 1 µs, an error
   * that grows with the frame count once multiplied back into a total: the newest earlier reading
   * whose error stays under 0.1 ms a frame, going back at most a minute (else the oldest kept).
   */
  meanBase(stats) {
    this.readings.push(stats);
    while (this.readings[0].uptime_seconds < stats.uptime_seconds - BASE_SECONDS) {
      this.readings.shift();
    }
    let base = null;
    for (let i = this.readings.length - 2; i >= 0; i--) {
      const r = this.readings[i];
      const frames = stats.frames_processed - r.frames_processed;
      if (frames > 0) {
        base = r;
        if ((ROUNDING * (stats.frames_processed + r.frames_processed)) / frames <= MAX_ERROR) {
          break;
        }
      }
    }
    return base;
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
