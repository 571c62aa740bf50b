import { api } from './api.js';
import { watchCameras, pollNow } from './feed.js';
import { addCameraForm } from './add-form.js';
import { tableHead, renderRows, rowButton, rowLink } from './table.js';

// The columns of the list; `label` also heads each value in the narrow (card) layout.
const COLUMNS = [
  { key: 'camera', label: 'Camera', value: (c) => c.name === c.camera_id ? c.camera_id : `${c.name} (${c.camera_id})` },
  { key: 'state', label: 'State', value: (c) => c.state },
  { key: 'codec', label: 'Codec', value: (c) => c.codec ?? '–' },
  { key: 'resolution', label: 'Resolution', value: (c) => c.width ? `${c.width}×${c.height}` : '–' },
  { key: 'fps', label: 'FPS', value: (c) => c.fps ?? '–' },
  { key: 'reconnects', label: 'Reconnects', value: (c) => String(c.reconnects) },
  { key: 'last_error', label: 'Last error', value: (c) => c.last_error ?? '–' },
  { key: 'analytics', label: 'Analytics', value: (c) => c.enable_analytics ? 'on' : 'off' },
];

/** The cameras page: the live list, the add form and removal with a confirmation. */
export function camerasView(main) {
  const section = document.createElement('section');
  section.className = 'cameras';
  section.setAttribute('aria-labelledby', 'cameras-title');
  section.innerHTML = `
    <div class="heading">
      <h2 id="cameras-title">Cameras</h2>
      <a class="button" href="#/grid">Live grid</a>
    </div>
    <p class="poll-error" role="alert" hidden></p>
    <p class="remove-error" role="alert" hidden></p>
    <table id="camera-list">
      ${tableHead(COLUMNS)}
      <tbody></tbody>
    </table>
    <p class="empty" hidden>No cameras yet: add one below.</p>
    <dialog id="remove-dialog" aria-labelledby="remove-title">
      <form method="dialog">
        <h3 id="remove-title"></h3>
        <p>Its ingest stops and the sessions of its viewers end.</p>
        <div class="buttons">
          <button value="cancel" autofocus>Cancel</button>
          <button value="remove" class="danger" id="remove-confirm">Remove</button>
        </div>
      </form>
    </dialog>`;
  section.append(addCameraForm(pollNow));
  main.append(section);

  const tbody = section.querySelector('tbody');
  const empty = section.querySelector('.empty');
  const pollError = section.querySelector('.poll-error');
  const dialog = section.querySelector('#remove-dialog');
  const removeError = section.querySelector('.remove-error');

  const stop = watchCameras((cameras, error) => {
    pollError.hidden = !error;
    pollError.textContent = error ? `The list could not be updated: ${error.message}` : '';
    if (cameras) {
      render(tbody, cameras, (camera) => confirmRemove(dialog, camera, removeError));
      empty.hidden = cameras.length > 0;
    }
  });
  return () => {
    stop();
    section.remove();
  };
}

function render(tbody, cameras, onRemove) {
  renderRows(tbody, cameras, {
    columns: COLUMNS,
    key: (c) => c.camera_id,
    idPrefix: 'camera-',
    actions: (row, cell, camera) => cell.append(
      rowLink('Live view', `Live view of ${camera.camera_id}`, '#/live/' + encodeURIComponent(camera.camera_id)),
      rowButton('Remove', `Remove ${camera.camera_id}`, 'danger remove', () => onRemove(camera))),
    update: (row, camera) => {
      row.dataset.state = camera.state;
      row.cells[1].className = 'state state-' + camera.state.toLowerCase();
    },
  });
}

function confirmRemove(dialog, camera, errorLine) {
  dialog.querySelector('h3').textContent = `Remove camera ${camera.camera_id}?`;
  dialog.returnValue = '';
  dialog.onclose = async () => {
    if (dialog.returnValue !== 'remove') {
      return;
    }
    errorLine.hidden = true;
    try {
      await api('DELETE', '/api/stream/cameras/' + encodeURIComponent(camera.camera_id));
    } catch (e) {
      errorLine.textContent = `Camera ${camera.camera_id} could not be removed: ${e.message}`;
      errorLine.hidden = false;
    }
    pollNow();
  };
  dialog.showModal();
}
