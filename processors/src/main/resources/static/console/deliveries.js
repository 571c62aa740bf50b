import { api } from './api.js';
import { signOutIfUnauthorized } from './feed.js';
import { repeat } from './repeat.js';

// Deliveries per page: the newest ones, which are the ones someone watching cares about.
const PAGE = 50;

const COLUMNS = [
  { key: 'delivery', label: 'Delivery', value: (d) => String(d.id) },
  { key: 'event', label: 'Event', value: (d) => d.event_type },
  { key: 'status', label: 'Status', value: (d) => d.status },
  { key: 'attempts', label: 'Attempts', value: (d) => String(d.attempt_count) },
  { key: 'result', label: 'Last result', value: lastResult },
  { key: 'created', label: 'Created', value: (d) => formatTime(d.created_at) },
  { key: 'updated', label: 'Last change', value: (d) => formatTime(d.updated_at) },
  { key: 'next', label: 'Next attempt', value: (d) => d.status === 'pending' && d.next_attempt_at ? formatTime(d.next_attempt_at) : '–' },
];

/** A time of the API (ISO 8601) in the browser's own time zone and format. */
export function formatTime(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '–';
}

function lastResult(d) {
  if (d.last_error) {
    return d.last_http_status && !d.last_error.includes(String(d.last_http_status))
      ? `HTTP ${d.last_http_status}: ${d.last_error}` : d.last_error;
  }
  return d.last_http_status ? `HTTP ${d.last_http_status}` : '–';
}

/** One endpoint's deliveries, newest first, polled every 2 s; a failed one can be retried. */
export function deliveriesView(main, webhookId) {
  const path = '/api/webhooks/' + encodeURIComponent(webhookId);
  const section = document.createElement('section');
  section.className = 'webhooks deliveries';
  section.setAttribute('aria-labelledby', 'deliveries-title');
  section.innerHTML = `
    <div class="heading">
      <h2 id="deliveries-title"></h2>
      <button type="button" id="send-test">Send test event</button>
      <a class="button" href="#/webhooks">Back to webhooks</a>
    </div>
    <p class="hook-url"></p>
    <p class="poll-error" role="alert" hidden></p>
    <p class="form-error" id="delivery-action-error" role="alert" hidden></p>
    <p class="form-done" id="delivery-action" role="status"></p>
    <table id="delivery-list">
      <thead><tr>${COLUMNS.map((c) => `<th scope="col">${c.label}</th>`).join('')}<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" hidden>No deliveries yet: events of its types, and test events, appear here.</p>
    <p class="hint more" hidden>The newest ${PAGE} are shown.</p>`;
  section.querySelector('h2').textContent = `Deliveries of ${webhookId}`;
  main.append(section);

  const tbody = section.querySelector('tbody');
  const pollError = section.querySelector('.poll-error');
  const done = section.querySelector('#delivery-action');
  const failed = section.querySelector('#delivery-action-error');
  const say = (message, error) => {
    done.textContent = error ? '' : message;
    failed.textContent = error ? message : '';
    failed.hidden = !error;
  };
  const act = async (what, call, message) => {
    try {
      const answer = await call();
      say(message(answer));
    } catch (e) {
      if (!signOutIfUnauthorized(e)) {
        say(`${what}: ${e.message}`, true);
      }
    }
    poll.now();
  };
  const retry = (delivery) => act(`Delivery ${delivery.id} was not retried`,
    () => api('POST', `${path}/deliveries/${delivery.id}/retry`), () => `Delivery ${delivery.id} is being sent again.`);
  section.querySelector('#send-test').addEventListener('click', () => act('No test event',
    () => api('POST', `${path}/test`), (answer) => `Test event sent (delivery ${answer.delivery_id}).`));

  const poll = repeat(async () => {
    // the endpoint itself too: its URL, and whether it still exists
    const [{ webhook }, page] = await Promise.all([api('GET', path), api('GET', `${path}/deliveries?limit=${PAGE}`)]);
    section.querySelector('.hook-url').textContent = `${webhook.url}${webhook.enabled ? '' : ` (disabled: ${webhook.disabled_reason ?? ''})`}`;
    section.querySelector('#send-test').disabled = !webhook.enabled;
    render(tbody, page.deliveries, retry);
    section.querySelector('.empty').hidden = page.deliveries.length > 0;
    section.querySelector('.more').hidden = page.next_before === null;
  }, 2000, (error) => {
    pollError.hidden = !error;
    pollError.textContent = error ? `The deliveries could not be updated: ${error.message}` : '';
    if (error?.status === 404) {
      // deleted meanwhile (here or elsewhere): asking again every 2 s would only repeat the 404
      poll.stop();
      pollError.textContent = `There is no webhook ${webhookId} (any more).`;
      section.querySelector('#send-test').disabled = true;
    }
  });
  return () => {
    poll.stop();
    section.remove();
  };
}

// Rows are updated in place, keyed by delivery id; only a failed delivery has a retry button.
function render(tbody, deliveries, retry) {
  const rows = new Map([...tbody.rows].map((row) => [row.dataset.delivery, row]));
  deliveries.forEach((delivery) => {
    const key = String(delivery.id);
    let row = rows.get(key);
    rows.delete(key);
    if (!row) {
      row = newRow(delivery);
    }
    row.delivery = delivery;
    COLUMNS.forEach((column, i) => {
      const text = column.value(delivery);
      if (row.cells[i].textContent !== text) {
        row.cells[i].textContent = text;
      }
    });
    row.dataset.status = delivery.status;
    row.cells[2].className = 'status delivery-' + delivery.status;
    const actions = row.cells[COLUMNS.length];
    const button = actions.querySelector('.retry');
    if (delivery.status === 'failed' && !button) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'retry';
      b.textContent = 'Retry';
      b.setAttribute('aria-label', `Retry delivery ${delivery.id}`);
      b.addEventListener('click', () => {
        b.disabled = true;
        retry(row.delivery);
      });
      actions.append(b);
    } else if (delivery.status !== 'failed' && button) {
      button.remove();
    }
    tbody.append(row); // keeps the server's order (newest first)
  });
  rows.forEach((row) => row.remove());
}

function newRow(delivery) {
  const row = document.createElement('tr');
  row.dataset.delivery = String(delivery.id);
  row.id = 'delivery-' + delivery.id;
  COLUMNS.forEach((column) => {
    const cell = row.insertCell();
    cell.dataset.label = column.label;
    cell.classList.add(column.key);
  });
  row.insertCell().className = 'actions';
  return row;
}
