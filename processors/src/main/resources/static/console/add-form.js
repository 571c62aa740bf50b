import { api } from './api.js';

// The fields of POST /api/stream/cameras/add, in the order of the form.
const TEXT_FIELDS = [
  { name: 'camera_id', label: 'Camera id', hint: 'letters, digits, - or _', placeholder: 'front-door' },
  { name: 'rtsp_url', label: 'RTSP URL', hint: 'rtsp:// or rtsps://', placeholder: 'rtsp://user:password@192.0.2.10:554/stream1' },
  { name: 'name', label: 'Name', hint: 'optional', placeholder: 'Front door' },
];
const FLAGS = [
  { name: 'enable_analytics', label: 'Face analytics', checked: false },
  { name: 'tls_verify', label: 'Verify the camera’s TLS certificate (rtsps://)', checked: true },
];

/**
 * The add-camera form. It does not validate by itself: the API's own messages are shown, each
 * beside the field the answer names (its `field`), the others above the button.
 */
export function addCameraForm(onAdded) {
  const form = document.createElement('form');
  form.id = 'add-camera';
  form.noValidate = true;
  form.setAttribute('aria-labelledby', 'add-title');
  form.innerHTML = `
    <h3 id="add-title">Add a camera</h3>
    ${TEXT_FIELDS.map((f) => `
      <div class="field">
        <label for="add-${f.name}">${f.label} <small>${f.hint}</small></label>
        <input id="add-${f.name}" name="${f.name}" placeholder="${f.placeholder}" autocomplete="off"
               spellcheck="false" aria-describedby="add-${f.name}-error">
        <p class="field-error" id="add-${f.name}-error" hidden></p>
      </div>`).join('')}
    ${FLAGS.map((f) => `
      <div class="field flag">
        <input type="checkbox" id="add-${f.name}" name="${f.name}" ${f.checked ? 'checked' : ''}
               aria-describedby="add-${f.name}-error">
        <label for="add-${f.name}">${f.label}</label>
        <p class="field-error" id="add-${f.name}-error" hidden></p>
      </div>`).join('')}
    <p class="form-error" id="add-error" role="alert" hidden></p>
    <p class="form-done" id="add-done" role="status"></p>
    <button type="submit">Add camera</button>`;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {};
    TEXT_FIELDS.forEach((f) => {
      const value = form.elements[f.name].value.trim();
      if (f.name !== 'name' || value) {
        body[f.name] = value;
      }
    });
    FLAGS.forEach((f) => { body[f.name] = form.elements[f.name].checked; });
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const answer = await api('POST', '/api/stream/cameras/add', body);
      form.reset();
      form.querySelector('#add-done').textContent = `Camera ${answer.camera.camera_id} added.`;
      onAdded();
    } catch (e) {
      showError(form, e);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function clearErrors(form) {
  form.querySelectorAll('.field-error, .form-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((input) => input.removeAttribute('aria-invalid'));
  form.querySelector('#add-done').textContent = '';
}

function showError(form, error) {
  const input = error.field ? form.elements[error.field] : null;
  const line = input ? form.querySelector(`#add-${error.field}-error`) : form.querySelector('#add-error');
  line.textContent = error.message;
  line.hidden = false;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    // the message is announced with the field when focus lands on it
    input.focus();
  }
}
