import { api } from './api.js';
import { signOutIfUnauthorized } from './feed.js';
import { repeat } from './repeat.js';
import { tableHead, renderRows, rowButton } from './table.js';

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
      ${tableHead(COLUMNS)}
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

// Only a failed delivery has a retry button.
function render(tbody, deliveries, retry) {
  renderRows(tbody, deliveries, {
    columns: COLUMNS,
    key: (delivery) => delivery.id,
    idPrefix: 'delivery-',
    actions: () => {}, // the retry button comes and goes with the status (below)
    update: (row, delivery) => {
      row.delivery = delivery;
      row.dataset.status = delivery.status;
      row.cells[2].className = 'status delivery-' + delivery.status;
      const actions = row.cells[COLUMNS.length];
      const button = actions.querySelector('.retry');
      if (delivery.status === 'failed' && !button) {
        const b = rowButton('Retry', `Retry delivery ${delivery.id}`, 'retry', () => {
          b.disabled = true;
          retry(row.delivery);
        });
        actions.append(b);
      } else if (delivery.status !== 'failed' && button) {
        button.remove();
      }
    },
  });
}
