import { api } from './api.js';
import { signOutIfUnauthorized } from './feed.js';
import { repeat } from './repeat.js';
import { webhookForm } from './webhook-form.js';
import { deliveriesView, formatTime } from './deliveries.js';
import { tableHead, renderRows, rowButton, rowLink } from './table.js';

// The columns of the list; `label` also heads each value in the narrow (card) layout.
const COLUMNS = [
  { key: 'id', label: 'Id', value: (w) => w.id },
  { key: 'url', label: 'URL', value: (w) => w.url },
  { key: 'description', label: 'Description', value: (w) => w.description || '–' },
  { key: 'events', label: 'Events', value: (w) => w.events.join(', ') },
  { key: 'state', label: 'State', value: (w) => w.enabled ? 'enabled' : `disabled (${w.disabled_reason ?? 'no reason given'})` },
  { key: 'origin', label: 'Defined in', value: (w) => w.origin === 'config' ? 'application.yaml' : 'the API' },
  { key: 'created', label: 'Created', value: (w) => formatTime(w.created_at) },
];

/** #/webhooks: the endpoints, the create form, test events and deletion; #/webhooks/<id>: its deliveries. */
export function webhooksView(main, webhookId) {
  return webhookId === undefined ? listView(main) : deliveriesView(main, webhookId);
}

function listView(main) {
  const section = document.createElement('section');
  section.className = 'webhooks';
  section.setAttribute('aria-labelledby', 'webhooks-title');
  section.innerHTML = `
    <div class="heading"><h2 id="webhooks-title">Webhooks</h2></div>
    <p class="poll-error" role="alert" hidden></p>
    <p class="form-error" id="hook-action-error" role="alert" hidden></p>
    <p class="form-done" id="hook-action" role="status"></p>
    <table id="webhook-list">
      ${tableHead(COLUMNS)}
      <tbody></tbody>
    </table>
    <p class="empty" hidden>No webhooks yet: create one below.</p>
    <dialog id="delete-dialog" aria-labelledby="delete-title">
      <form method="dialog">
        <h3 id="delete-title"></h3>
        <p>Its deliveries go with it; pending ones are not sent any more.</p>
        <div class="buttons">
          <button value="cancel" autofocus>Cancel</button>
          <button value="delete" class="danger" id="delete-confirm">Delete</button>
        </div>
      </form>
    </dialog>`;
  main.append(section);

  const tbody = section.querySelector('tbody');
  const pollError = section.querySelector('.poll-error');
  const done = section.querySelector('#hook-action');
  const failed = section.querySelector('#hook-action-error');
  const say = (message, error) => {
    done.replaceChildren(...(error ? [] : message));
    failed.textContent = error ? message : '';
    failed.hidden = !error;
  };
  const actions = {
    test: (hook) => sendTest(hook, say),
    remove: (hook) => confirmDelete(section.querySelector('#delete-dialog'), hook, say, () => poll.now()),
  };
  const poll = repeat(async () => {
    const { webhooks } = await api('GET', '/api/webhooks');
    render(tbody, webhooks, actions);
    section.querySelector('.empty').hidden = webhooks.length > 0;
  }, 5000, (error) => {
    pollError.hidden = !error;
    pollError.textContent = error ? `The list could not be updated: ${error.message}` : '';
  });
  const form = webhookForm(() => poll.now());
  section.append(form.element);
  return () => {
    poll.stop();
    form.close();
    section.remove();
  };
}

function render(tbody, webhooks, actions) {
  renderRows(tbody, webhooks, {
    columns: COLUMNS,
    key: (hook) => hook.id,
    idPrefix: 'webhook-',
    actions: (row, cell, hook) => {
      cell.append(
        rowLink('Deliveries', `Deliveries of ${hook.id}`, '#/webhooks/' + encodeURIComponent(hook.id), 'button deliveries'),
        rowButton('Send test', `Send a test event to ${hook.id}`, 'test', () => actions.test(row.hook)));
      // endpoints of application.yaml are removed there (the API answers 409)
      if (hook.origin !== 'config') {
        cell.append(rowButton('Delete', `Delete ${hook.id}`, 'danger remove', () => actions.remove(row.hook)));
      }
    },
    update: (row, hook) => {
      row.dataset.enabled = String(hook.enabled);
      row.cells[4].className = 'state ' + (hook.enabled ? 'state-streaming' : 'state-failed');
      row.hook = hook;
      row.querySelector('.test').disabled = !hook.enabled;
    },
  });
}

async function sendTest(hook, say) {
  try {
    const answer = await api('POST', `/api/webhooks/${encodeURIComponent(hook.id)}/test`);
    const link = document.createElement('a');
    link.href = '#/webhooks/' + encodeURIComponent(hook.id);
    link.textContent = 'see its deliveries';
    say([`Test event sent to ${hook.id} (delivery ${answer.delivery_id}): `, link, '.']);
  } catch (e) {
    if (!signOutIfUnauthorized(e)) {
      say(`No test event for ${hook.id}: ${e.message}`, true);
    }
  }
}

function confirmDelete(dialog, hook, say, onDeleted) {
  dialog.querySelector('h3').textContent = `Delete webhook ${hook.id}?`;
  dialog.returnValue = '';
  dialog.onclose = async () => {
    if (dialog.returnValue !== 'delete') {
      return;
    }
    try {
      await api('DELETE', '/api/webhooks/' + encodeURIComponent(hook.id));
      say([`Webhook ${hook.id} deleted.`]);
    } catch (e) {
      if (!signOutIfUnauthorized(e)) {
        say(`Webhook ${hook.id} could not be deleted: ${e.message}`, true);
      }
    }
    onDeleted();
  };
  dialog.showModal();
}
