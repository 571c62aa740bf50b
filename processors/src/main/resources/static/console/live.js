import { watchCameras } from './feed.js';
import { LivePlayer } from './player.js';

// A grid plays at most this many cameras: each one is a decoder in the browser.
const GRID_MAX = 9;

/** One camera large. Closing the view (or leaving the page) ends its session. */
export function singleView(main, cameraId) {
  const section = document.createElement('section');
  section.className = 'live single';
  section.setAttribute('aria-labelledby', 'live-title');
  section.innerHTML = `
    <div class="heading">
      <h2 id="live-title"></h2>
      <a class="button" href="#/grid">Live grid</a>
      <a class="button" id="close-live" href="#/cameras">Close</a>
    </div>
    <p class="missing" role="alert" hidden></p>`;
  section.querySelector('h2').textContent = `Live: ${cameraId}`;
  main.append(section);
  let player = null;
  const stop = watchCameras((cameras) => {
    const camera = cameras?.find((c) => c.camera_id === cameraId);
    const missing = section.querySelector('.missing');
    if (cameras && !camera) {
      missing.textContent = `There is no camera ${cameraId} (any more).`;
      missing.hidden = false;
      player?.close();
      player = null;
    } else if (camera && !player) {
      player = new LivePlayer(camera, { large: true });
      section.append(player.figure);
    } else if (camera) {
      player.setCameraState(camera.state);
    }
  });
  return () => {
    stop();
    player?.close();
    section.remove();
  };
}

/** A grid of the cameras, in the list's order; each tile opens its camera large. */
export function gridView(main) {
  const section = document.createElement('section');
  section.className = 'live grid';
  section.setAttribute('aria-labelledby', 'grid-title');
  section.innerHTML = `
    <div class="heading">
      <h2 id="grid-title">Live grid</h2>
      <a class="button" href="#/cameras">Close</a>
    </div>
    <p class="empty" hidden>No cameras to show.</p>
    <div class="tiles"></div>`;
  main.append(section);
  const tiles = section.querySelector('.tiles');
  const players = new Map();
  const stop = watchCameras((cameras) => {
    if (!cameras) {
      return;
    }
    const shown = cameras.slice(0, GRID_MAX);
    section.querySelector('.empty').hidden = shown.length > 0;
    const ids = new Set(shown.map((c) => c.camera_id));
    players.forEach((player, id) => {
      if (!ids.has(id)) {
        player.close();
        players.delete(id);
      }
    });
    shown.forEach((camera) => {
      let player = players.get(camera.camera_id);
      if (!player) {
        player = new LivePlayer(camera);
        const open = document.createElement('a');
        open.className = 'button';
        open.href = '#/live/' + encodeURIComponent(camera.camera_id);
        open.textContent = 'Large';
        open.setAttribute('aria-label', `Open ${camera.camera_id} large`);
        player.figure.querySelector('figcaption').append(open);
        players.set(camera.camera_id, player);
        tiles.append(player.figure);
      }
      player.setCameraState(camera.state);
    });
  });
  return () => {
    stop();
    players.forEach((player) => player.close());
    section.remove();
  };
}
