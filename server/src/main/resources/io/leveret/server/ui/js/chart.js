// A small line chart on <canvas>, ours rather than a vendored library: the UI needs two kinds of
// time series (levels and rates over ten minutes) and a few dozen lines draw them without a dependency.
import { h } from './dom.js';

const COLOURS = ['#1f6f5c', '#d08a1e', '#3566b8', '#a23d8a'];

/** A chart element with update(series), series = [{ label, points: [[timeMs, value], ...] }]. */
export function lineChart(name, unit) {
  const canvas = h('canvas', { 'data-chart': name, role: 'img', 'aria-label': name });
  const legend = h('div', { class: 'legend' });
  const el = h('div', { class: 'chart' }, canvas, legend);
  el.update = (series) => {
    draw(canvas, series, unit);
    legend.replaceChildren(...series.map((s, i) => {
      const last = s.points.length ? s.points[s.points.length - 1][1] : 0;
      return h('span', { 'data-series': s.label, 'data-last': last }, h('i', { class: `swatch-${i}` }), `${s.label}: ${format(last)}${unit}`);
    }));
  };
  return el;
}

function format(v) {
  return v.toLocaleString('en', { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 1 });
}

function draw(canvas, series, unit) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 400;
  const height = canvas.clientHeight || 200;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const all = series.flatMap((s) => s.points);
  canvas.dataset.points = String(all.length);
  canvas.dataset.max = String(all.reduce((m, p) => Math.max(m, p[1]), 0));
  const left = 48;
  const bottom = height - 20;
  const top = 8;
  const right = width - 8;
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#5f6b73';
  g.strokeStyle = '#d9dee2';
  g.lineWidth = 1;
  if (!all.length) {
    g.fillText('no samples yet', left, (top + bottom) / 2);
    return;
  }
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(...all.map((p) => p[0]));
  const max = niceMax(Math.max(...all.map((p) => p[1])));
  const x = (t) => (t1 === t0 ? right : left + ((t - t0) / (t1 - t0)) * (right - left));
  const y = (v) => bottom - (v / max) * (bottom - top);
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    g.beginPath();
    g.moveTo(left, Math.round(y(v)) + 0.5);
    g.lineTo(right, Math.round(y(v)) + 0.5);
    g.stroke();
    g.fillText(`${format(v)}${unit}`, 2, y(v) + 4);
  }
  for (const t of [t0, (t0 + t1) / 2, t1]) {
    const label = new Date(t).toLocaleTimeString('en-GB');
    g.fillText(label, Math.min(Math.max(x(t) - 22, left), right - 44), height - 4);
  }
  series.forEach((s, i) => {
    g.strokeStyle = COLOURS[i % COLOURS.length];
    g.lineWidth = 2;
    g.beginPath();
    s.points.forEach(([t, v], j) => (j ? g.lineTo(x(t), y(v)) : g.moveTo(x(t), y(v))));
    g.stroke();
  });
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Levels from the API's samples (newest first) as chart points, oldest first. */
export function levels(details) {
  return (details && details.samples ? details.samples : []).map((s) => [s.timestamp, s.sample]).reverse();
}

/** Per-second rates between consecutive cumulative samples (newest first), oldest first. */
export function rates(details) {
  const s = details && details.samples ? details.samples : [];
  const out = [];
  for (let i = s.length - 1; i > 0; i--) {
    const dt = (s[i - 1].timestamp - s[i].timestamp) / 1000;
    if (dt > 0) out.push([s[i - 1].timestamp, Math.max(0, (s[i - 1].sample - s[i].sample) / dt)]);
  }
  return out;
}
