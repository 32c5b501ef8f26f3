// The pages: models and layers, a layer's neuron table, a neuron, a layer's DORA atlas. Each page builds its DOM
// from the JSON API (docs/http.md) and returns a refresh function the router calls every few seconds.
import { h, num, text, time, route, api, getJson, DASH } from './dom.js';
import { histogram, atlas } from './charts.js';

function notFound(main, what) {
  main.replaceChildren(h('h2', {}, 'Not found'), h('p', { class: 'muted' }, what + ' is unknown to this server.'));
}

// ------------------------------------------------------------------------------------------ models and layers

export async function modelsPage(main) {
  const body = h('tbody');
  main.replaceChildren(h('h2', {}, 'Models and layers'),
    h('table', { id: 'models' },
      h('thead', {}, h('tr', {}, ['model', 'version', 'layer', 'neurons', 'samples', 'last batch', '']
        .map((t) => h('th', {}, t)))),
      body),
    h('p', { class: 'muted', id: 'models-empty' }));
  async function refresh() {
    const data = await getJson('/api/models');
    const rows = [];
    for (const m of (data && data.models) || []) {
      for (const l of m.layers) {
        rows.push(h('tr', {},
          h('td', {}, m.model), h('td', {}, text(l.version)),
          h('td', {}, h('a', { href: route('layer', m.model, l.layer) }, l.layer)),
          h('td', { class: 'num' }, String(l.features)), h('td', { class: 'num' }, String(l.samples)),
          h('td', {}, time(l.last_batch)),
          h('td', {}, h('a', { href: route('layer', m.model, l.layer) }, 'neurons'),
            l.atlas ? [' · ', h('a', { href: route('atlas', m.model, l.layer) }, 'atlas')] : null)));
      }
    }
    body.replaceChildren(...rows);
    document.getElementById('models-empty').textContent =
      rows.length ? '' : 'No activations have arrived yet; this page refreshes itself.';
  }
  await refresh();
  return refresh;
}

// --------------------------------------------------------------------------------------------- neuron table

const COLUMNS = [
  { key: 'neuron', title: 'neuron', numeric: true, get: (r) => r.neuron },
  { key: 'invert', title: 'INVERT label', get: (r) => r.invert && (r.invert.readable || r.invert.label || null) },
  { key: 'auroc', title: 'AUROC', numeric: true, get: (r) => r.invert && r.invert.auroc },
  { key: 'p_value', title: 'p-value', numeric: true, get: (r) => r.invert && r.invert.p_value },
  { key: 'clip', title: 'CLIP-Dissect', get: (r) => r.clip_dissect && r.clip_dissect.concept },
  { key: 'clip_score', title: 'score', numeric: true, get: (r) => r.clip_dissect && r.clip_dissect.score },
  { key: 'nof', title: 'DORA nof', numeric: true, get: (r) => r.dora && r.dora.nof },
  { key: 'outlier', title: 'outlier', get: (r) => (r.dora ? (r.dora.outlier ? 'outlier' : '') : null) },
  { key: 'p5', title: 'p5', numeric: true, get: (r) => r.quantiles && r.quantiles.p5 },
  { key: 'p50', title: 'p50', numeric: true, get: (r) => r.quantiles && r.quantiles.p50 },
  { key: 'p95', title: 'p95', numeric: true, get: (r) => r.quantiles && r.quantiles.p95 },
  { key: 'p99', title: 'p99', numeric: true, get: (r) => r.quantiles && r.quantiles.p99 },
  { key: 'samples', title: 'samples', numeric: true, get: (r) => r.samples },
];

function compareBy(col, dir) {
  return (a, b) => {
    const x = col.get(a);
    const y = col.get(b);
    if (x === y) { return a.neuron - b.neuron; }
    if (x === null || x === undefined) { return 1; } // missing values last in both directions
    if (y === null || y === undefined) { return -1; }
    if (typeof x === 'number' && typeof y === 'number') { return (x - y) * dir; }
    return String(x).localeCompare(String(y)) * dir;
  };
}

export async function layerPage(main, model, layer) {
  let rows = [];
  let sort = COLUMNS[0];
  let dir = 1;
  const filter = h('input', { id: 'filter', type: 'search', placeholder: 'filter: neuron, label, concept',
    autocomplete: 'off' });
  const outliersOnly = h('input', { id: 'outliers-only', type: 'checkbox' });
  const count = h('span', { class: 'muted', id: 'neuron-count' });
  const heads = COLUMNS.map((c) => h('th', { class: 'sortable', 'data-key': c.key }, c.title));
  const body = h('tbody');
  const table = h('table', { id: 'neurons' }, h('thead', {}, h('tr', {}, heads)), body);
  main.replaceChildren(h('h2', {}, `${model} / ${layer}`),
    h('div', { class: 'toolbar' }, filter, h('label', {}, outliersOnly, ' DORA outliers only'), count,
      h('a', { href: route('atlas', model, layer) }, 'atlas')),
    table);

  function render() {
    const q = filter.value.trim().toLowerCase();
    const shown = rows.filter((r) => {
      if (outliersOnly.checked && !(r.dora && r.dora.outlier)) { return false; }
      if (!q) { return true; }
      return [String(r.neuron), r.invert && r.invert.readable, r.invert && r.invert.label,
        r.clip_dissect && r.clip_dissect.concept].some((s) => s && s.toLowerCase().includes(q));
    }).sort(compareBy(sort, dir));
    body.replaceChildren(...shown.map((r) => {
      const tr = h('tr', { class: r.dora && r.dora.outlier ? 'outlier' : null, 'data-neuron': r.neuron });
      for (const c of COLUMNS) {
        const v = c.get(r);
        let content;
        if (c.key === 'neuron') {
          content = h('a', { href: route('neuron', model, layer, r.neuron) }, String(r.neuron));
        } else if (c.key === 'outlier') {
          content = v ? h('span', { class: 'flag' }, 'outlier') : (v === null ? DASH : '');
        } else {
          content = c.numeric ? num(v) : text(v);
        }
        tr.appendChild(h('td', { class: c.numeric ? 'num' : null }, content));
      }
      return tr;
    }));
    heads.forEach((th, i) => {
      th.classList.remove('asc', 'desc');
      if (COLUMNS[i] === sort) { th.classList.add(dir > 0 ? 'asc' : 'desc'); }
    });
    count.textContent = `${shown.length} of ${rows.length} neurons`;
  }

  heads.forEach((th, i) => th.addEventListener('click', () => {
    if (sort === COLUMNS[i]) { dir = -dir; } else { sort = COLUMNS[i]; dir = 1; }
    render();
  }));
  filter.addEventListener('input', render);
  outliersOnly.addEventListener('change', render);

  async function refresh() {
    const data = await getJson(api('layers', model, layer, 'neurons'));
    if (data === null) {
      notFound(main, `Layer ${model}/${layer}`);
      return;
    }
    rows = data.neurons;
    render();
  }
  await refresh();
  return refresh;
}

// --------------------------------------------------------------------------------------------------- neuron

function summary(n) {
  const q = n.quantiles;
  const pairs = [
    ['INVERT label', n.invert ? text(n.invert.readable || n.invert.label) : DASH],
    ['AUROC', n.invert ? num(n.invert.auroc) : DASH],
    ['p-value', n.invert ? num(n.invert.p_value) : DASH],
    ['label status', n.invert ? text(n.invert.status) : DASH],
    ['CLIP-Dissect', n.clip_dissect ? `${text(n.clip_dissect.concept)} (${num(n.clip_dissect.score)})` : DASH],
    ['DORA', n.dora ? `nof ${num(n.dora.nof)}${n.dora.outlier ? ' — outlier' : ''}` : DASH],
    ['quantiles p5 / p50 / p95 / p99', q ? [q.p5, q.p50, q.p95, q.p99].map((v) => num(v)).join(' / ') : DASH],
    ['samples', String(n.samples)],
  ];
  return h('dl', { class: 'summary', id: 'neuron-summary' },
    pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function neuronPage(main, model, layer, neuron) {
  async function refresh() {
    const n = await getJson(api('neurons', model, layer, neuron));
    if (n === null) {
      notFound(main, `Neuron ${model}/${layer}/${neuron}`);
      return;
    }
    const history = n.history.length
      ? h('table', { id: 'history' },
        h('thead', {}, h('tr', {}, ['time', 'method', 'before', 'after', 'score'].map((t) => h('th', {}, t)))),
        h('tbody', {}, n.history.slice().reverse().map((e) => h('tr', {},
          h('td', {}, time(e.time)), h('td', {}, e.method), h('td', {}, e.previous === null ? '(new)' : text(e.previous)),
          h('td', {}, text(e.current)), h('td', { class: 'num' }, num(e.score))))))
      : h('p', { class: 'muted', id: 'history' }, 'No label changes seen since the server started.');
    const top = n.top_samples.length
      ? h('ol', { id: 'top-samples' }, n.top_samples.map((s) => h('li', {}, `sample ${s.sample_id}: ${num(s.activation)}`)))
      : h('p', { class: 'muted', id: 'top-samples' }, DASH);
    const renders = n.renders.length
      ? h('div', { class: 'renders', id: 'renders' }, n.renders.map((url) => h('figure', {},
        h('img', { src: url, alt: `render of neuron ${neuron}`, loading: 'lazy' }),
        h('figcaption', {}, url.substring(url.lastIndexOf('/') + 1)))))
      : h('p', { class: 'muted', id: 'renders' }, DASH);
    main.replaceChildren(
      h('h2', {}, `${model} / ${layer} / neuron ${n.neuron}`),
      h('p', {}, h('a', { href: route('layer', model, layer) }, '← neuron table'), ' · ',
        h('a', { href: route('atlas', model, layer) }, 'atlas')),
      summary(n),
      h('div', { class: 'panels' },
        h('section', {}, h('h3', {}, 'Activation histogram'),
          n.histogram ? histogram(n.histogram, n.quantiles) : h('p', { class: 'muted', id: 'histogram' }, DASH)),
        h('section', {}, h('h3', {}, 'Label history'), history)),
      h('div', { class: 'panels' },
        h('section', {}, h('h3', {}, 'Renders / s-AMS'), renders),
        h('section', {}, h('h3', {}, 'Top-activating samples'), top)));
  }
  await refresh();
  return refresh;
}

// ---------------------------------------------------------------------------------------------------- atlas

export async function atlasPage(main, model, layer) {
  const data = await getJson(api('atlas', model, layer));
  if (data === null) {
    main.replaceChildren(h('h2', {}, `${model} / ${layer}: DORA atlas`),
      h('p', { class: 'muted', id: 'atlas-none' }, 'No DORA result for this layer (see docs/http.md: results directory).'));
    return null;
  }
  const tip = h('div', { id: 'atlas-tip' }, 'hover a point; click opens the neuron');
  const outliers = data.points.filter((p) => p.outlier);
  main.replaceChildren(h('h2', {}, `${model} / ${layer}: DORA atlas`),
    h('p', { class: 'muted' }, `${data.points.length} neurons, ${outliers.length} outliers (red).`),
    tip,
    atlas(data.points,
      (p) => { tip.textContent = p ? `neuron ${p.neuron} · nof ${num(p.nof)}${p.outlier ? ' · outlier' : ''}` : ''; },
      (p) => { location.hash = route('neuron', model, layer, p.neuron); }),
    h('h3', {}, 'Outliers'),
    outliers.length
      ? h('ul', {}, outliers.map((p) => h('li', {},
        h('a', { href: route('neuron', model, layer, p.neuron) }, `neuron ${p.neuron}`), ` nof ${num(p.nof)}`)))
      : h('p', { class: 'muted' }, DASH));
  return null;
}
