import { api, apiImageUrl, apiKey, ApiError } from './api.js';
import { signOutIfUnauthorized } from './feed.js';

const TYPES = ['face.recognized', 'face.unknown', 'camera.offline', 'camera.online', 'webhook.test'];
const PAGE = 25;
const RETRY_MS = 2000;
// A tab left open for days must not keep every event (and its thumbnail): past this many, the
// oldest shown go, and "Older events" brings them back from the store.
const MAX_SHOWN = 300;

/**
 * The events page: stored events newest first (GET /api/events, filtered by camera, person and
 * type, paged with its cursor) and, above them, the live ones from the event stream as they
 * come, filtered the same way here. A face event shows its face snapshot; opening it shows the
 * whole frame.
 */
export function eventsView(main) {
  const section = document.createElement('section');
  section.className = 'events';
  section.setAttribute('aria-labelledby', 'events-title');
  section.innerHTML = `
    <div class="heading">
      <h2 id="events-title">Events</h2>
      <p class="live-status" id="live-status" role="status">Connecting…</p>
    </div>
    <form id="event-filters" aria-label="Filters">
      <div class="field">
        <label for="filter-camera">Camera</label>
        <select id="filter-camera" name="camera_id"><option value="">All cameras</option></select>
      </div>
      <div class="field">
        <label for="filter-person">Person</label>
        <select id="filter-person" name="person_id"><option value="">Anyone</option></select>
      </div>
      <div class="field">
        <label for="filter-type">Type</label>
        <select id="filter-type" name="type"><option value="">All types</option>
          ${TYPES.map((t) => `<option value="${t}">${t}</option>`).join('')}</select>
      </div>
    </form>
    <p class="poll-error" id="events-error" role="alert" hidden></p>
    <ol id="event-list" aria-label="Events, newest first"></ol>
    <p class="empty" hidden>No events match.</p>
    <button type="button" id="load-older" hidden>Older events</button>
    <dialog id="snapshot-dialog" aria-labelledby="snapshot-title">
      <form method="dialog">
        <h3 id="snapshot-title"></h3>
        <img id="snapshot-frame" alt="">
        <p class="form-error" id="snapshot-error" role="alert" hidden></p>
        <div class="buttons"><button value="close" autofocus>Close</button></div>
      </form>
    </dialog>`;
  main.append(section);

  const aborter = new AbortController();
  const signal = aborter.signal;
  const list = section.querySelector('#event-list');
  const filtersForm = section.querySelector('#event-filters');
  const empty = section.querySelector('.empty');
  const older = section.querySelector('#load-older');
  const errorLine = section.querySelector('#events-error');
  const status = section.querySelector('#live-status');
  const thumbs = new Map(); // event_id -> object URL of its face snapshot
  const dialog = snapshotDialog(section.querySelector('#snapshot-dialog'), signal);
  let cursor = null;
  let generation = 0;
  let loading = null; // live events that came while a page was loading
  let pagingUntil = null; // once the oldest shown were dropped: older pages start before this time
  let streamError = false; // the error line shows the stream's trouble (gone once it is live again)

  const filters = () => Object.fromEntries([...new FormData(filtersForm)].filter(([, v]) => v !== ''));
  const matches = (event, f) => (!f.type || event.type === f.type)
    && (!f.camera_id || event.data.camera_id === f.camera_id)
    && (!f.person_id || String(event.data.person_id) === f.person_id);

  const show = (error, fromStream = false) => {
    if (error.name === 'AbortError') {
      return;
    }
    if (signOutIfUnauthorized(error)) {
      return;
    }
    streamError = fromStream;
    errorLine.textContent = error.message;
    errorLine.hidden = false;
  };
  const streamState = (state) => {
    status.textContent = state;
    if (state === 'Live' && streamError) {
      errorLine.hidden = true;
      streamError = false;
    }
  };

  // Drops the oldest shown events past MAX_SHOWN; the store still has them. `until` excludes its
  // own instant, hence the extra millisecond (events shown twice are skipped by id).
  const trim = () => {
    if (list.children.length <= MAX_SHOWN) {
      return;
    }
    while (list.children.length > MAX_SHOWN) {
      const last = list.lastElementChild;
      const id = last.id.slice('event-'.length);
      if (thumbs.has(id)) {
        URL.revokeObjectURL(thumbs.get(id));
        thumbs.delete(id);
      }
      last.remove();
    }
    const oldest = Date.parse(list.lastElementChild.querySelector('time').dateTime);
    pagingUntil = new Date(oldest + 1).toISOString();
    cursor = null;
    older.hidden = false;
  };

  const add = (event, where) => {
    if (document.getElementById('event-' + event.event_id)) {
      return;
    }
    offerChoices(section, event);
    const item = eventItem(event, thumbs, signal, (e) => dialog.open(e));
    if (where === 'top') {
      list.prepend(item);
      trim();
    } else {
      list.append(item);
    }
    empty.hidden = true;
  };

  // A page of history: the first one replaces the list (new filters), the next ones extend it.
  async function loadPage(first) {
    const mine = first ? ++generation : generation;
    const query = new URLSearchParams({ ...filters(), limit: String(PAGE) });
    if (first) {
      pagingUntil = null;
      loading = [];
    } else {
      if (pagingUntil) {
        query.set('until', pagingUntil);
      }
      if (cursor) {
        query.set('cursor', cursor);
      }
    }
    older.disabled = true;
    try {
      const page = await api('GET', '/api/events?' + query, undefined, { signal });
      if (mine !== generation) {
        return; // the filters changed meanwhile
      }
      errorLine.hidden = true;
      if (first) {
        clear();
      }
      page.events.forEach((e) => add(e, 'bottom'));
      (loading ?? []).forEach((e) => add(e, 'top'));
      loading = null;
      cursor = page.next_cursor;
      older.hidden = !cursor;
      empty.hidden = list.children.length > 0;
    } catch (e) {
      show(e);
    } finally {
      older.disabled = false;
    }
  }

  function clear() {
    list.replaceChildren();
    thumbs.forEach((url) => URL.revokeObjectURL(url));
    thumbs.clear();
  }

  const live = (event) => {
    if (!matches(event, filters())) {
      return;
    }
    if (loading) {
      loading.push(event);
    } else {
      add(event, 'top');
    }
  };

  filtersForm.addEventListener('change', () => loadPage(true));
  filtersForm.addEventListener('submit', (e) => e.preventDefault());
  older.addEventListener('click', () => loadPage(false));

  (async () => {
    try {
      await fillChoices(section, signal);
      // the stream resumes after the newest stored event: nothing stored meanwhile is missed
      const newest = await api('GET', '/api/events?limit=1', undefined, { signal });
      if (signal.aborted) {
        return; // the page closed meanwhile: no stream to stop later
      }
      const stream = new EventStream(newest.events[0]?.event_id ?? null, live, streamState, (e) => show(e, true));
      signal.addEventListener('abort', () => stream.stop());
      stream.start();
    } catch (e) {
      show(e);
    }
    loadPage(true);
  })();

  return () => {
    aborter.abort();
    dialog.close();
    clear();
    section.remove();
  };
}

/** The camera and person choices of the filters, from the API. */
async function fillChoices(section, signal) {
  const [cameras, faces] = await Promise.all([
    api('GET', '/api/stream/cameras/status', undefined, { signal }),
    api('GET', '/api/faces', undefined, { signal }),
  ]);
  cameras.cameras.forEach((c) => choice(section.querySelector('#filter-camera'), c.camera_id, c.name));
  faces.persons.forEach((p) => choice(section.querySelector('#filter-person'), p.id, p.name));
}

// Cameras added and people enrolled after the page opened (or since removed) become choices
// when one of their events is shown.
function offerChoices(section, event) {
  if (event.data.camera_id) {
    choice(section.querySelector('#filter-camera'), event.data.camera_id, event.data.camera_name);
  }
  if (event.data.person_id != null) {
    choice(section.querySelector('#filter-person'), event.data.person_id, event.data.name);
  }
}

function choice(select, id, name) {
  const value = String(id);
  if ([...select.options].some((o) => o.value === value)) {
    return;
  }
  const o = document.createElement('option');
  o.value = value;
  o.textContent = select.id === 'filter-person' ? `${name} (id ${id})`
    : !name || name === value ? value : `${name} (${value})`;
  select.append(o);
}

function describe(event) {
  const d = event.data;
  const camera = d.camera_name ?? d.camera_id;
  switch (event.type) {
    case 'face.recognized':
      return `${d.name} on ${camera}` + (d.similarity == null ? '' : ` (similarity ${Number(d.similarity).toFixed(2)})`);
    case 'face.unknown':
      return `Unknown face on ${camera}`;
    case 'camera.offline':
      return `${camera} offline` + (d.last_error ? `: ${d.last_error}` : '');
    case 'camera.online':
      return `${camera} online again`;
    default:
      return event.type;
  }
}

function eventItem(event, thumbs, signal, onOpen) {
  const item = document.createElement('li');
  item.id = 'event-' + event.event_id;
  item.className = 'event type-' + event.type.replace('.', '-');
  item.dataset.type = event.type;
  item.dataset.camera = event.data.camera_id ?? '';
  item.dataset.person = event.data.person_id ?? '';
  const text = describe(event);
  const body = document.createElement(event.data.snapshot_url ? 'button' : 'div');
  body.className = 'event-body';
  if (event.data.snapshot_url) {
    body.type = 'button';
    body.setAttribute('aria-label', `${text}: open the frame`);
    body.addEventListener('click', () => onOpen(event));
    const img = document.createElement('img');
    img.className = 'thumb';
    img.alt = `Face: ${text}`;
    img.width = 64;
    img.height = 64;
    body.append(img);
    apiImageUrl(`/api/events/${event.event_id}/snapshot.jpg?kind=face`, { signal }).then((url) => {
      if (!item.isConnected) {
        URL.revokeObjectURL(url); // the list was replaced meanwhile
        return;
      }
      thumbs.set(event.event_id, url);
      img.src = url;
    }, (e) => {
      if (!signOutIfUnauthorized(e) && e.name !== 'AbortError') {
        img.alt = `No face snapshot: ${e.message}`;
      }
    });
  } else {
    const icon = document.createElement('span');
    icon.className = 'thumb icon';
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = event.type.startsWith('camera') ? '◉' : '✉';
    body.append(icon);
  }
  const lines = document.createElement('span');
  lines.className = 'lines';
  lines.innerHTML = '<span class="what"></span><span class="meta"><span class="type"></span> · <time></time></span>';
  lines.querySelector('.what').textContent = text;
  lines.querySelector('.type').textContent = event.type;
  const time = lines.querySelector('time');
  time.dateTime = event.timestamp;
  time.textContent = new Date(event.timestamp).toLocaleString();
  body.append(lines);
  item.append(body);
  return item;
}

/** The dialog with an event's whole frame, fetched when opened and released when closed. */
function snapshotDialog(dialog, signal) {
  const img = dialog.querySelector('#snapshot-frame');
  const error = dialog.querySelector('#snapshot-error');
  let url = null;
  const release = () => {
    if (url) {
      URL.revokeObjectURL(url);
      url = null;
    }
    img.removeAttribute('src');
  };
  dialog.addEventListener('close', release);
  return {
    async open(event) {
      release();
      error.hidden = true;
      dialog.querySelector('h3').textContent = `${describe(event)}, ${new Date(event.timestamp).toLocaleString()}`;
      img.alt = `The frame of ${describe(event)}`;
      dialog.showModal();
      try {
        const frame = await apiImageUrl(`/api/events/${event.event_id}/snapshot.jpg?kind=frame`, { signal });
        if (!dialog.open) {
          URL.revokeObjectURL(frame);
          return;
        }
        url = frame;
        img.src = url;
      } catch (e) {
        if (!signOutIfUnauthorized(e) && e.name !== 'AbortError') {
          error.textContent = `The frame could not be loaded: ${e.message}`;
          error.hidden = false;
        }
      }
    },
    close() {
      if (dialog.open) {
        dialog.close();
      }
      release();
    },
  };
}

/**
 * GET /api/events/stream read with fetch (EventSource cannot send X-API-Key): the SSE lines are
 * parsed here, and a dropped stream is opened again with Last-Event-ID, so the server replays
 * what was stored meanwhile.
 */
class EventStream {
  constructor(lastId, onEvent, onState, onError) {
    this.lastId = lastId;
    this.onEvent = onEvent;
    this.onState = onState;
    this.onError = onError;
    this.aborter = new AbortController();
    this.timer = null;
  }

  start() {
    this.connect();
  }

  stop() {
    this.aborter.abort();
    clearTimeout(this.timer);
  }

  async connect() {
    const headers = { 'X-API-Key': apiKey.get() ?? '', Accept: 'text/event-stream' };
    if (this.lastId) {
      headers['Last-Event-ID'] = this.lastId;
    }
    let retry = RETRY_MS;
    try {
      const response = await fetch('/api/events/stream', { headers, signal: this.aborter.signal, cache: 'no-store' });
      if (!response.ok) {
        let body = {};
        try {
          body = await response.json();
        } catch (e) {
          // not JSON: the status says enough
        }
        throw new ApiError(response.status, body);
      }
      this.onState('Live');
      await this.read(response.body.getReader());
    } catch (e) {
      if (this.aborter.signal.aborted) {
        return;
      }
      if (signOutIfUnauthorized(e)) {
        return;
      }
      if (e instanceof ApiError && e.status !== 0) {
        this.onError(e);
        retry = 5 * RETRY_MS;
      }
    }
    if (!this.aborter.signal.aborted) {
      this.onState('Reconnecting…');
      this.timer = setTimeout(() => this.connect(), retry);
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    let message = { id: null, data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop(); // an unfinished line waits for the next chunk
      for (const line of lines) {
        if (line === '') {
          if (message.data.length > 0) {
            this.dispatch(message);
          }
          message = { id: null, data: [] };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') {
            message.data.push(value);
          } else if (field === 'id') {
            message.id = value;
          }
        }
      }
    }
  }

  dispatch(message) {
    if (message.id) {
      this.lastId = message.id;
    }
    let event;
    try {
      event = JSON.parse(message.data.join('\n'));
    } catch (e) {
      return; // not an event of the API's (nothing else is sent)
    }
    this.onEvent(event);
  }
}
