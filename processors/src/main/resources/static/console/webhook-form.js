import { api } from './api.js';
import { signOutIfUnauthorized } from './feed.js';

// The event types an endpoint can subscribe to (EventType in docs/openapi.yaml).
const EVENT_TYPES = [
  { name: 'face.recognized', hint: 'an enrolled person appeared' },
  { name: 'face.unknown', hint: 'a face stayed unnamed' },
  { name: 'camera.offline', hint: 'a camera is down' },
  { name: 'camera.online', hint: 'it streams again' },
  { name: 'webhook.test', hint: 'only from “Send test”' },
];

/**
 * The create-webhook form. It does not validate by itself: the API's own messages are shown,
 * each beside the field its answer names (`field`), the others above the button. The secret of a
 * created endpoint is shown once, in a panel that close() (leaving the page) empties for good:
 * the server never shows it again.
 */
export function webhookForm(onCreated) {
  const element = document.createElement('div');
  element.innerHTML = `
    <section id="hook-secret" class="secret" aria-labelledby="hook-secret-title" hidden>
      <h3 id="hook-secret-title"></h3>
      <p>Give this secret to the receiver: it verifies every delivery with it. It is shown only
        now; leaving this page forgets it (a new one needs “rotate secret” over the API).</p>
      <div class="secret-line">
        <code id="hook-secret-value"></code>
        <button type="button" id="hook-secret-copy">Copy</button>
      </div>
      <p class="form-done" id="hook-secret-copied" role="status"></p>
      <button type="button" id="hook-secret-done">Done, I have kept it</button>
    </section>
    <form id="add-webhook" novalidate aria-labelledby="hook-title">
      <h3 id="hook-title">Create a webhook</h3>
      <div class="field">
        <label for="hook-url">URL <small>http:// or https://, where the events are POSTed</small></label>
        <input id="hook-url" name="url" placeholder="https://alarm.example.com/lenswire" autocomplete="off"
               spellcheck="false" aria-describedby="hook-url-error">
        <p class="field-error" id="hook-url-error" hidden></p>
      </div>
      <div class="field">
        <label for="hook-description">Description <small>optional</small></label>
        <input id="hook-description" name="description" placeholder="Alarm panel in the lobby" autocomplete="off"
               aria-describedby="hook-description-error">
        <p class="field-error" id="hook-description-error" hidden></p>
      </div>
      <fieldset class="field events" id="hook-events" aria-describedby="hook-events-error">
        <legend>Events</legend>
        ${EVENT_TYPES.map((t) => `
          <label><input type="checkbox" name="events" value="${t.name}"> ${t.name} <small>${t.hint}</small></label>`).join('')}
        <p class="field-error" id="hook-events-error" hidden></p>
      </fieldset>
      <p class="form-error" id="hook-error" role="alert" hidden></p>
      <p class="form-done" id="hook-done" role="status"></p>
      <button type="submit">Create webhook</button>
    </form>`;
  const form = element.querySelector('form');
  const panel = element.querySelector('#hook-secret');
  const secretValue = panel.querySelector('#hook-secret-value');
  const copied = panel.querySelector('#hook-secret-copied');

  const forget = () => {
    secretValue.textContent = '';
    copied.textContent = '';
    panel.hidden = true;
  };
  panel.querySelector('#hook-secret-done').addEventListener('click', () => {
    forget();
    form.elements.url.focus();
  });
  panel.querySelector('#hook-secret-copy').addEventListener('click', () => copy(secretValue, copied));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      url: form.elements.url.value.trim(),
      events: [...form.querySelectorAll('input[name=events]:checked')].map((box) => box.value),
    };
    const description = form.elements.description.value.trim();
    if (description) {
      body.description = description;
    }
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const answer = await api('POST', '/api/webhooks', body);
      form.reset();
      form.querySelector('#hook-done').textContent = `Webhook ${answer.webhook.id} created.`;
      panel.querySelector('h3').textContent = `The secret of ${answer.webhook.id}`;
      secretValue.textContent = answer.secret;
      copied.textContent = '';
      panel.hidden = false;
      panel.querySelector('#hook-secret-copy').focus();
      onCreated(answer.webhook);
    } catch (e) {
      if (!signOutIfUnauthorized(e)) {
        showError(form, e);
      }
    } finally {
      submit.disabled = false;
    }
  });
  return { element, close: forget };
}

// The clipboard API needs a secure context and the page's focus; when it refuses, the secret is
// selected instead, for the user's own copy keystroke.
async function copy(secretValue, copied) {
  try {
    await navigator.clipboard.writeText(secretValue.textContent);
    copied.textContent = 'Copied to the clipboard.';
  } catch (e) {
    const range = document.createRange();
    range.selectNodeContents(secretValue);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    copied.textContent = 'The browser did not allow copying: the secret is selected, copy it with Ctrl+C (⌘C).';
  }
}

function clearErrors(form) {
  form.querySelectorAll('.field-error, .form-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((input) => input.removeAttribute('aria-invalid'));
  form.querySelector('#hook-done').textContent = '';
}

function showError(form, error) {
  const line = error.field ? form.querySelector(`#hook-${error.field}-error`) : null;
  const target = line ?? form.querySelector('#hook-error');
  target.textContent = error.message;
  target.hidden = false;
  if (line) {
    const input = error.field === 'events' ? form.querySelector('input[name=events]') : form.elements[error.field];
    const invalid = error.field === 'events' ? form.querySelector('#hook-events') : input;
    invalid.setAttribute('aria-invalid', 'true');
    // the message is announced with the field when focus lands on it
    input.focus();
  }
}
