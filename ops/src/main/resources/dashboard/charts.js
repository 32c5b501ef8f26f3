// Hand-drawn SVG charts: the activation histogram and the DORA atlas scatter.
import { svg, num } from './dom.js';

const W = 640;
const H = 260;
const PAD = { left: 50, right: 12, top: 12, bottom: 36 };

/** Bars of histogram {edges, counts}; dashed lines at the quantiles {p5, p50, p95, p99} when given. */
export function histogram(hist, quantiles) {
  const chart = svg('svg', { id: 'histogram', class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': 'activation histogram' });
  const edges = hist.edges;
  const counts = hist.counts;
  const lo = edges[0];
  const hi = edges[edges.length - 1];
  const span = hi > lo ? hi - lo : 1;
  const max = Math.max(1, ...counts);
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (v) => PAD.left + ((v - lo) / span) * iw;
  const y = (c) => PAD.top + ih - (c / max) * ih;
  counts.forEach((c, i) => {
    const x0 = hi > lo ? x(edges[i]) : PAD.left;
    const x1 = hi > lo ? x(edges[i + 1]) : PAD.left + iw;
    chart.appendChild(svg('rect', { class: 'bar', x: x0.toFixed(1), y: y(c).toFixed(1),
      width: Math.max(1, x1 - x0 - 1).toFixed(1), height: (PAD.top + ih - y(c)).toFixed(1) },
      svg('title', {}, `${num(edges[i])} … ${num(edges[i + 1])}: ${c}`)));
  });
  chart.appendChild(svg('line', { class: 'axis', x1: PAD.left, x2: PAD.left + iw, y1: PAD.top + ih, y2: PAD.top + ih }));
  chart.appendChild(svg('line', { class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + ih }));
  chart.appendChild(svg('text', { x: PAD.left, y: H - 18, 'text-anchor': 'start' }, num(lo)));
  chart.appendChild(svg('text', { x: PAD.left + iw, y: H - 18, 'text-anchor': 'end' }, num(hi)));
  chart.appendChild(svg('text', { x: PAD.left + iw / 2, y: H - 4, 'text-anchor': 'middle' }, 'activation'));
  chart.appendChild(svg('text', { x: PAD.left - 6, y: PAD.top + 10, 'text-anchor': 'end' }, String(max)));
  chart.appendChild(svg('text', { x: PAD.left - 6, y: PAD.top + ih, 'text-anchor': 'end' }, '0'));
  if (quantiles && hi > lo) {
    for (const [name, v] of Object.entries(quantiles)) {
      if (v === null || v < lo || v > hi) { continue; }
      chart.appendChild(svg('line', { class: 'quantile', x1: x(v), x2: x(v), y1: PAD.top, y2: PAD.top + ih },
        svg('title', {}, `${name} = ${num(v)}`)));
      chart.appendChild(svg('text', { x: x(v) + 2, y: PAD.top + 10 }, name));
    }
  }
  return chart;
}

/**
 * The atlas: one circle per point {neuron, x, y, nof, outlier}; outliers larger and red. onHover(point|null)
 * follows the pointer, onClick(point) opens a neuron.
 */
export function atlas(points, onHover, onClick) {
  const S = 600;
  const pad = 24;
  const chart = svg('svg', { id: 'atlas', class: 'chart', viewBox: `0 0 ${S} ${S}`, role: 'img',
    'aria-label': 'DORA atlas' });
  const xs = points.map((p) => p.x).filter((v) => v !== null);
  const ys = points.map((p) => p.y).filter((v) => v !== null);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  const scale = (S - 2 * pad) / Math.max(maxX - minX, maxY - minY, 1e-12);
  const cx = (v) => pad + (v - minX) * scale + ((S - 2 * pad) - (maxX - minX) * scale) / 2;
  const cy = (v) => S - pad - (v - minY) * scale - ((S - 2 * pad) - (maxY - minY) * scale) / 2;
  // Outliers last, so they are drawn on top.
  const ordered = points.filter((p) => p.x !== null && p.y !== null)
    .sort((a, b) => Number(a.outlier) - Number(b.outlier));
  for (const p of ordered) {
    const c = svg('circle', { class: 'point' + (p.outlier ? ' outlier' : ''), cx: cx(p.x).toFixed(1),
      cy: cy(p.y).toFixed(1), r: p.outlier ? 7 : 4.5, 'data-neuron': p.neuron, tabindex: 0 },
      svg('title', {}, `neuron ${p.neuron}, nof ${num(p.nof)}${p.outlier ? ', outlier' : ''}`));
    c.addEventListener('mouseenter', () => onHover(p));
    c.addEventListener('focus', () => onHover(p));
    c.addEventListener('mouseleave', () => onHover(null));
    c.addEventListener('click', () => onClick(p));
    c.addEventListener('keydown', (e) => { if (e.key === 'Enter') { onClick(p); } });
    chart.appendChild(c);
    if (p.outlier) {
      chart.appendChild(svg('text', { x: (cx(p.x) + 9).toFixed(1), y: (cy(p.y) + 4).toFixed(1) }, String(p.neuron)));
    }
  }
  return chart;
}
