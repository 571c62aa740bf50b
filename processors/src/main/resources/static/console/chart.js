const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 240;
const HEIGHT = 64;
const PAD = 3;

/**
 * A small line chart drawn as inline SVG: one series of {t, v} points, x from the oldest to the
 * newest t, y from 0 to the highest v. Its text alternative (the <title> and aria-label) and its
 * caption carry the latest and the highest value, so the trend is not only a picture.
 */
export class Sparkline {
  constructor({ id, title, unit, digits = 1 }) {
    this.title = title;
    this.unit = unit;
    this.digits = digits;
    this.figure = document.createElement('figure');
    this.figure.className = 'chart';
    this.figure.id = id;
    const caption = document.createElement('figcaption');
    this.latest = document.createElement('span');
    this.latest.className = 'chart-value';
    caption.append(title + ' ', this.latest);
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    this.svg.setAttribute('preserveAspectRatio', 'none');
    this.svg.setAttribute('role', 'img');
    this.svgTitle = document.createElementNS(SVG, 'title');
    this.line = document.createElementNS(SVG, 'polyline');
    this.line.setAttribute('class', 'chart-line');
    this.line.setAttribute('vector-effect', 'non-scaling-stroke');
    const base = document.createElementNS(SVG, 'line');
    base.setAttribute('class', 'chart-base');
    base.setAttribute('x1', 0);
    base.setAttribute('x2', WIDTH);
    base.setAttribute('y1', HEIGHT - PAD);
    base.setAttribute('y2', HEIGHT - PAD);
    this.svg.append(this.svgTitle, base, this.line);
    this.figure.append(caption, this.svg);
    this.draw([]);
  }

  format(v) {
    return `${v.toFixed(this.digits)} ${this.unit}`;
  }

  /** Redraws from the points (oldest first). */
  draw(points) {
    let text;
    if (points.length === 0) {
      text = `${this.title}: no reading yet`;
      this.latest.textContent = '–';
      this.line.setAttribute('points', '');
    } else {
      const last = points[points.length - 1].v;
      const high = Math.max(...points.map((p) => p.v));
      const t0 = points[0].t;
      const span = points[points.length - 1].t - t0 || 1;
      const top = high > 0 ? high : 1;
      this.line.setAttribute('points', points.map((p) => {
        const x = points.length === 1 ? WIDTH : ((p.t - t0) / span) * WIDTH;
        const y = HEIGHT - PAD - (p.v / top) * (HEIGHT - 2 * PAD);
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      }).join(' '));
      text = `${this.title}: now ${this.format(last)}, highest ${this.format(high)} over the last ${minutes(span)}`;
      this.latest.textContent = `${this.format(last)} (highest ${this.format(high)})`;
    }
    this.svgTitle.textContent = text;
    this.svg.setAttribute('aria-label', text);
  }
}

function minutes(seconds) {
  return seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`;
}
