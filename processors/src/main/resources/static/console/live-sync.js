// hls.js speeds playback up (to maxLiveSyncPlaybackRate) only while the latency is within one
// target duration of its target; a viewer further behind (a slow start on a busy machine, a long
// stall, a pause) stays that far behind for good, as if watching a recording. A camera viewer
// wants live: once the live sync position is buffered, jump there (a seek inside the buffer
// loads nothing and does not stall). Used by the console's players and player.html.
export function keepLive(hls, video) {
  hls.on(Hls.Events.LEVEL_UPDATED, (_event, { details }) => {
    const target = hls.targetLatency;
    const live = hls.liveSyncPosition;
    if (!details.live || !target || !live || video.paused || video.seeking) {
      return;
    }
    if (hls.latency > target + details.targetduration && isBuffered(video, live)) {
      video.currentTime = live;
    }
  });
}

function isBuffered(video, time) {
  const ranges = video.buffered;
  for (let i = 0; i < ranges.length; i++) {
    if (ranges.start(i) <= time && time < ranges.end(i)) {
      return true;
    }
  }
  return false;
}

// A cluster's failover (the camera's node died; another takes it over within seconds) answers
// the playlist 503 + Retry-After: 1 meanwhile: retry it each second for 15 s rather than
// hls.js's default twice (given up after 3 s). hls.js's playlistLoadPolicy.
export const FAILOVER_PLAYLIST_POLICY = {
  default: {
    maxTimeToFirstByteMs: 10000,
    maxLoadTimeMs: 20000,
    timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry: 15, retryDelayMs: 1000, maxRetryDelayMs: 1000, backoff: 'linear' },
  },
};

// A camera's segmenter can be replaced while a player follows it: another node of a cluster reads
// the camera after a failover. The new one numbers its segments on above the old ones, but its
// media start a timeline of their own, which hls.js would place on the old one's and not reach
// for as long as the old one had played. When a playlist's first segment is past the last one
// seen plus one (never in a live window that slides a segment at a time), call restart: a fresh
// hls.js joins the new timeline at its live edge.
export function onNewWindow(hls, restart) {
  let lastEnd = null;
  hls.on(Hls.Events.LEVEL_LOADED, (_event, { details }) => {
    if (!details.live) {
      return;
    }
    if (lastEnd !== null && details.startSN > lastEnd + 1) {
      lastEnd = null;
      restart();
      return;
    }
    lastEnd = details.endSN;
  });
}
