import { api } from './api.js';
import { keepLive, onNewWindow, FAILOVER_PLAYLIST_POLICY } from './live-sync.js';

// Every player still open, so leaving the page ends all their sessions.
const open = new Set();

addEventListener('pagehide', () => open.forEach((player) => player.close()));

/**
 * One camera playing in a <figure>: a playback session of its own, refreshed before its token
 * expires and ended when the player closes. The served playlist repeats the token on every URI,
 * so after a refresh hls.js's requests are rewritten to carry the new token (the old one stops
 * working at once).
 */
export class LivePlayer {
  constructor(camera, { large = false } = {}) {
    this.cameraId = camera.camera_id;
    this.figure = document.createElement('figure');
    this.figure.className = large ? 'player large' : 'player';
    this.figure.dataset.camera = this.cameraId;
    this.figure.innerHTML = `
      <div class="frame">
        <video muted autoplay playsinline></video>
        <p class="overlay" hidden></p>
      </div>
      <figcaption>
        <span class="name"></span>
        <span class="status" aria-live="polite">starting</span>
        <span class="latency">latency –</span>
      </figcaption>`;
    this.video = this.figure.querySelector('video');
    this.video.setAttribute('aria-label', `Live video of ${camera.name}`);
    this.overlay = this.figure.querySelector('.overlay');
    this.status = this.figure.querySelector('.status');
    this.latency = this.figure.querySelector('.latency');
    this.figure.querySelector('.name').textContent = camera.name;
    this.closed = false;
    this.cameraState = camera.state;
    this.video.addEventListener('playing', () => this.showState());
    this.video.addEventListener('waiting', () => this.showState());
    open.add(this);
    this.showState();
    this.start();
    this.latencyTimer = setInterval(() => this.showLatency(), 1000);
  }

  async start() {
    try {
      const s = await api('POST', '/api/stream/playback/create-session',
        { camera_id: this.cameraId, user_id: 'web-console' });
      if (this.closed) {
        this.endSession(s.session_id);
        return;
      }
      this.sessionId = s.session_id;
      this.token = s.token;
      this.scheduleRefresh(s.expires_at);
      // marks the session PLAYING and starts the camera's HLS muxer before the first playlist request
      await api('POST', `/api/stream/playback/${s.session_id}/start`);
      if (!this.closed) {
        this.play(s.hls_url);
      }
    } catch (e) {
      this.setStatus('error: ' + e.message);
      this.retry();
    }
  }

  play(url) {
    if (!(window.Hls && Hls.isSupported())) {
      this.setStatus('this browser cannot play HLS');
      return;
    }
    this.hls = new Hls({
      lowLatencyMode: true,
      // playback starts up to a GOP behind: catch up to the live edge instead of staying there
      maxLiveSyncPlaybackRate: 1.5,
      // a stall moves the target back by one part's worth, not hls.js's default 1 s (as player.html)
      liveSyncOnStallIncrease: 0.2,
      // a cluster's failover is waited out on the same session (a fatal error starts a new one)
      playlistLoadPolicy: FAILOVER_PLAYLIST_POLICY,
      xhrSetup: (xhr, requested) => {
        const u = new URL(requested, location.href);
        u.searchParams.set('token', this.token);
        xhr.open('GET', u.href, true);
      },
    });
    this.hls.on(Hls.Events.MANIFEST_PARSED, () => this.video.play().catch(() => {}));
    keepLive(this.hls, this.video);
    // the camera's segmenter was replaced (a cluster failover): a fresh hls.js, same session
    const current = this.hls;
    onNewWindow(current, () => setTimeout(() => {
      if (this.hls === current && !this.closed) {
        current.destroy();
        this.play(url);
      }
    }, 0));
    this.hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) {
        this.setStatus('error: ' + data.details);
        this.retry();
      }
    });
    this.hls.loadSource(url);
    this.hls.attachMedia(this.video);
  }

  // A fatal error (the session expired while the tab slept, the server restarted): start over
  // with a new session after a pause, so the player recovers by itself.
  retry() {
    this.teardown();
    if (!this.closed) {
      this.retryTimer = setTimeout(() => this.start(), 3000);
    }
  }

  // Refresh at half the remaining lifetime: early enough to survive a slow or failed attempt.
  scheduleRefresh(expiresAt) {
    const delay = Math.max(1000, (Date.parse(expiresAt) - Date.now()) / 2);
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), delay);
  }

  // The old token stops working the moment the refresh is answered, also for a request already
  // under way with it: loading pauses (aborting those requests; the buffer plays on) until the
  // new token is in place.
  async refresh() {
    const hls = this.hls;
    hls?.stopLoad();
    try {
      const r = await api('POST', `/api/stream/playback/${this.sessionId}/refresh`);
      this.token = r.token;
      this.scheduleRefresh(r.expires_at);
    } catch (e) {
      this.setStatus('error: ' + e.message);
      this.retry();
      return;
    }
    if (hls && hls === this.hls) {
      hls.startLoad();
    }
  }

  /** The camera's state from the cameras poll: the video stalls while the camera is down. */
  setCameraState(state) {
    this.cameraState = state;
    this.showState();
  }

  showState() {
    const down = this.cameraState !== 'STREAMING';
    this.overlay.hidden = !down;
    this.overlay.textContent = down ? 'reconnecting…' : '';
    this.figure.classList.toggle('down', down);
    if (down) {
      this.setStatus('reconnecting');
    } else if (!this.video.paused && this.video.readyState >= 3) {
      this.setStatus('playing');
    } else {
      this.setStatus('loading');
    }
  }

  setStatus(text) {
    this.status.textContent = text;
    this.figure.dataset.status = text;
  }

  // hls.js's estimate of how far behind the live edge the picture is
  showLatency() {
    if (this.hls && this.hls.latency > 0) {
      this.latency.textContent = `latency ${this.hls.latency.toFixed(2)} s`;
    }
  }

  teardown() {
    if (this.hls) {
      this.hls.destroy();
      this.hls = null;
    }
    clearTimeout(this.refreshTimer);
    if (this.sessionId) {
      this.endSession(this.sessionId);
      this.sessionId = null;
    }
  }

  // keepalive: the DELETE still goes out when the page is being left
  endSession(id) {
    api('DELETE', `/api/stream/playback/${id}`, undefined, { keepalive: true }).catch(() => {});
  }

  close() {
    if (this.closed) {
      return;
    }
    this.closed = true;
    open.delete(this);
    clearTimeout(this.retryTimer);
    clearInterval(this.latencyTimer);
    this.teardown();
    this.video.removeAttribute('src');
    this.figure.remove();
  }
}
