// The live alert feed: recent alerts from /api/alerts, then new ones over Server-Sent Events.
// Known types (artifact, infected_neuron, label_changed) get their own badge and sentence; others are shown as JSON.
import { h, num, route, time, text, getJson } from './dom.js';

const MAX_ALERTS = 500;
const BADGES = { artifact: 'ARTIFACT', infected_neuron: 'INFECTED', label_changed: 'LABEL' };

/** The neuron an alert is about, or null. */
function neuronOf(a) {
  const src = a.type === 'label_changed' ? a.current : a;
  if (src && typeof src.model === 'string' && typeof src.layer === 'string' && Number.isInteger(src.neuron)) {
    return src;
  }
  return null;
}

function sentence(a) {
  const n = neuronOf(a);
  const who = n ? `${n.model}/${n.layer}/${n.neuron}` : '';
  switch (a.type) {
    case 'artifact':
      return `${who}: sample ${a.sample_id} activated ${num(a.activation)} above its p${num(a.percentile * 100, 1)}`
        + ` threshold ${num(a.threshold)}`;
    case 'infected_neuron':
      return `${who} flagged by DORA (rank ${a.rank}, nof ${num(a.nof)}`
        + `${a.model_version ? ', version ' + a.model_version : ''})`;
    case 'label_changed': {
      const before = a.previous ? text(a.previous.readable || a.previous.label) : '(new)';
      const after = a.current ? text(a.current.readable || a.current.label) : '—';
      return `${who} ${a.current ? a.current.method : ''}: ${before} → ${after}`;
    }
    default:
      return null;
  }
}

function item(a) {
  const type = typeof a.type === 'string' ? a.type : 'unknown';
  const known = Object.prototype.hasOwnProperty.call(BADGES, type);
  const n = neuronOf(a);
  const when = a.time || (a.current && a.current.computed_at) || Date.now();
  const li = h('li', { class: 'alert alert-' + (known ? type : 'other'), 'data-type': type },
    h('span', { class: 'badge' }, known ? BADGES[type] : type.toUpperCase()),
    h('span', { class: 'time' }, time(when)));
  const s = known ? sentence(a) : null;
  if (s !== null) {
    li.appendChild(n ? h('a', { href: route('neuron', n.model, n.layer, n.neuron) }, s) : h('span', {}, s));
  } else {
    li.appendChild(h('pre', {}, JSON.stringify(a, null, 1)));
  }
  return li;
}

function add(list, a) {
  list.insertBefore(item(a), list.firstChild);
  while (list.children.length > MAX_ALERTS) { list.removeChild(list.lastChild); }
  document.getElementById('alert-count').textContent = '(' + list.children.length + ')';
}

function parse(data) {
  try {
    const a = JSON.parse(data);
    return a && typeof a === 'object' && !Array.isArray(a) ? a : { type: 'unknown', raw: data };
  } catch (e) {
    return { type: 'unknown', raw: data };
  }
}

export async function startAlertFeed(setStatus) {
  const list = document.getElementById('alerts');
  try {
    const recent = await getJson('/api/alerts?limit=100');
    (recent || []).slice().reverse().forEach((a) => add(list, a));
  } catch (e) {
    setStatus('alerts: ' + e.message);
  }
  const source = new EventSource('/api/alerts/stream');
  source.onopen = () => setStatus('live');
  source.onmessage = (e) => add(list, parse(e.data));
  source.onerror = () => setStatus('alert stream disconnected, retrying…');
}
