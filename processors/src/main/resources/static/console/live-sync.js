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
