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

/**
 * A grid of cameras, in the list's order; each tile opens its camera large. Without a choice it
 * shows the first GRID_MAX cameras (new ones join); a choice of cameras is kept in the address
 * (#/grid/<id>,<id>), so a wall screen can be bookmarked.
 */
export function gridView(main, chosenArg) {
  let chosen = chosenArg ? new Set(chosenArg.split(',').filter(Boolean)) : null;
  const section = document.createElement('section');
  section.className = 'live grid';
  section.setAttribute('aria-labelledby', 'grid-title');
  section.innerHTML = `
    <div class="heading">
      <h2 id="grid-title">Live grid</h2>
      <a class="button" href="#/cameras">Close</a>
    </div>
    <details class="grid-choice">
      <summary>Cameras in the grid</summary>
      <fieldset>
        <legend class="visually-hidden">Cameras in the grid</legend>
        <div class="choices"></div>
        <p class="hint">At most ${GRID_MAX}: each one is a video decoder in this browser.</p>
        <button type="button" class="all">Show the first ${GRID_MAX}</button>
      </fieldset>
    </details>
    <p class="empty" hidden>No cameras to show.</p>
    <div class="tiles"></div>`;
  main.append(section);
  const tiles = section.querySelector('.tiles');
  const choices = section.querySelector('.choices');
  const players = new Map();
  let lastCameras = [];

  const remember = () => {
    const hash = chosen ? '#/grid/' + [...chosen].map(encodeURIComponent).join(',') : '#/grid';
    history.replaceState(null, '', hash); // no hashchange: the grid updates in place
  };
  choices.addEventListener('change', (e) => {
    if (!chosen) {
      chosen = new Set(shownOf(lastCameras, null).map((c) => c.camera_id));
    }
    if (e.target.checked) {
      chosen.add(e.target.value);
    } else {
      chosen.delete(e.target.value);
    }
    remember();
    update(lastCameras);
  });
  section.querySelector('.all').addEventListener('click', () => {
    chosen = null;
    remember();
    update(lastCameras);
  });

  function update(cameras) {
    lastCameras = cameras;
    const shown = shownOf(cameras, chosen);
    renderChoices(choices, cameras, new Set(shown.map((c) => c.camera_id)));
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
      }
      player.setCameraState(camera.state);
      tiles.append(player.figure); // keeps the list's order
    });
  }

  const stop = watchCameras((cameras) => {
    if (cameras) {
      update(cameras);
    }
  });
  return () => {
    stop();
    players.forEach((player) => player.close());
    section.remove();
  };
}

function shownOf(cameras, chosen) {
  return (chosen ? cameras.filter((c) => chosen.has(c.camera_id)) : cameras).slice(0, GRID_MAX);
}

// One checkbox per camera, updated in place (a focused box survives each poll); once GRID_MAX are
// shown, the others cannot be ticked.
function renderChoices(container, cameras, shownIds) {
  const boxes = new Map([...container.querySelectorAll('input')].map((box) => [box.value, box]));
  cameras.forEach((camera) => {
    let box = boxes.get(camera.camera_id);
    boxes.delete(camera.camera_id);
    if (!box) {
      const label = document.createElement('label');
      box = document.createElement('input');
      box.type = 'checkbox';
      box.value = camera.camera_id;
      box.id = 'grid-choice-' + camera.camera_id;
      label.append(box, ' ' + camera.camera_id);
      container.append(label);
    }
    box.checked = shownIds.has(camera.camera_id);
    box.disabled = !box.checked && shownIds.size >= GRID_MAX;
    container.append(box.parentElement);
  });
  boxes.forEach((box) => box.parentElement.remove());
}
