import { api } from './api.js';
import { repeat } from './repeat.js';
import { Sparkline } from './chart.js';
import { AnalyticsHistory } from './analytics-history.js';
import { tableHead, renderRows } from './table.js';

// The columns of the table; `label` also heads each value in the narrow (card) layout.
const COLUMNS = [
  { key: 'camera', label: 'Camera', value: (c) => c.id },
  { key: 'frames', label: 'Frames analysed', value: ({ stats: s }) => String(s.frames_processed) },
  { key: 'faces', label: 'Faces', value: ({ stats: s }) => String(s.faces_detected) },
  { key: 'recognized', label: 'Recognized', value: ({ stats: s }) => String(s.faces_recognized) },
  { key: 'time', label: 'Mean time per frame', value: ({ stats: s }) => ms(s.avg_processing_time) },
  { key: 'p95', label: 'p95 (recent frames)', value: ({ stats: s }) => ms(s.p95_processing_time) },
  { key: 'dropped', label: 'Dropped', value: ({ stats: s }) => String(s.frames_dropped) },
  { key: 'decode', label: 'Decode errors', value: ({ stats: s }) => String(s.decode_errors) },
  { key: 'uptime', label: 'Running for', value: ({ stats: s }) => duration(s.uptime_seconds) },
];
// The charts of each camera, each drawn from one series of AnalyticsHistory.
const CHARTS = [
  { series: 'timePerFrame', title: 'Time per frame', unit: 'ms', digits: 1 },
  { series: 'facesPerMinute', title: 'Faces per minute', unit: '/min', digits: 0 },
  { series: 'dropsPerMinute', title: 'Drops per minute', unit: '/min', digits: 0 },
];

const ms = (seconds) => `${(seconds * 1000).toFixed(1)} ms`;

function duration(seconds) {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

/** The analytics page: every camera's counters, polled every 2 s, with charts of the last 5 minutes. */
export function analyticsView(main) {
  const section = document.createElement('section');
  section.className = 'analytics';
  section.setAttribute('aria-labelledby', 'analytics-title');
  section.innerHTML = `
    <div class="heading"><h2 id="analytics-title">Analytics</h2></div>
    <p class="recognizer hint"></p>
    <p class="poll-error" role="alert" hidden></p>
    <table id="analytics-list">
      ${tableHead(COLUMNS, false)}
      <tbody></tbody>
    </table>
    <p class="empty" hidden>No camera runs face analytics now. Cameras added with “Face analytics” on appear
      here while analytics is enabled and its models are present.</p>
    <div class="camera-charts"></div>`;
  main.append(section);
  const tbody = section.querySelector('tbody');
  const chartsBox = section.querySelector('.camera-charts');
  const pollError = section.querySelector('.poll-error');
  const cameras = new Map(); // camera id -> { history, charts, box }

  const poll = repeat(async () => {
    const answer = await api('GET', '/api/stream/analytics/stats');
    section.querySelector('.recognizer').textContent = answer.recognizer
      ? `Recognizer: ${answer.recognizer}. Charts: the last 5 minutes, from the counters read every 2 s.`
      : 'Face analytics is unavailable on this server (see the health endpoint).';
    const ids = Object.keys(answer.stats);
    section.querySelector('.empty').hidden = ids.length > 0;
    cameras.forEach((camera, id) => {
      if (!answer.stats[id]) {
        camera.box.remove();
        cameras.delete(id);
      }
    });
    ids.forEach((id) => {
      let camera = cameras.get(id);
      if (!camera) {
        camera = newCamera(id);
        cameras.set(id, camera);
      }
      camera.history.add(answer.stats[id]);
      CHARTS.forEach((c, i) => camera.charts[i].draw(camera.history.series(c.series)));
      chartsBox.append(camera.box); // the server's order
    });
    render(tbody, answer.stats);
  }, 2000, (error) => {
    pollError.hidden = !error;
    pollError.textContent = error ? `The statistics could not be updated: ${error.message}` : '';
  });
  return () => {
    poll.stop();
    section.remove();
  };
}

function newCamera(id) {
  const box = document.createElement('section');
  box.className = 'camera-chart';
  box.id = 'charts-' + id;
  const heading = document.createElement('h3');
  heading.textContent = id;
  heading.id = 'charts-title-' + id;
  box.setAttribute('aria-labelledby', heading.id);
  const charts = CHARTS.map((c) => new Sparkline({ id: `chart-${id}-${c.series}`, title: c.title, unit: c.unit, digits: c.digits }));
  const row = document.createElement('div');
  row.className = 'chart-row';
  row.append(...charts.map((c) => c.figure));
  box.append(heading, row);
  return { history: new AnalyticsHistory(), charts, box };
}

function render(tbody, stats) {
  renderRows(tbody, Object.entries(stats).map(([id, s]) => ({ id, stats: s })), {
    columns: COLUMNS,
    key: (c) => c.id,
    idPrefix: 'analytics-',
    update: (row, c) => {
      row.dataset.frames = String(c.stats.frames_processed);
    },
  });
}
