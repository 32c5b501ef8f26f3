// Neurowatch dashboard: a hash router over the pages, a refresh timer, and the live alert feed.
// Plain ES modules, no build step.
import { h, route } from './dom.js';
import { modelsPage, layerPage, neuronPage, atlasPage } from './pages.js';
import { startAlertFeed } from './alerts.js';

const REFRESH_MS = 5000;
let timer = null;
let generation = 0;

function setStatus(text) {
  document.getElementById('status').textContent = text;
}

function crumbs(parts) {
  const nav = document.getElementById('crumbs');
  nav.replaceChildren(...parts.flatMap(([label, href], i) => [i ? ' / ' : '', href ? h('a', { href }, label) : label]));
}

/** #/, #/layer/M/L, #/neuron/M/L/N, #/atlas/M/L; segments are URI-encoded. */
function parse(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((s) => s.length).map(decodeURIComponent);
  return { page: parts[0] || '', args: parts.slice(1) };
}

async function show() {
  const mine = ++generation;
  if (timer !== null) { clearInterval(timer); timer = null; }
  const main = document.getElementById('page');
  const { page, args } = parse(location.hash);
  let refresh = null;
  try {
    if (page === 'layer' && args.length === 2) {
      crumbs([['models', '#/'], [`${args[0]} / ${args[1]}`, null]]);
      refresh = await layerPage(main, args[0], args[1]);
    } else if (page === 'neuron' && args.length === 3) {
      crumbs([['models', '#/'], [`${args[0]} / ${args[1]}`, route('layer', args[0], args[1])], [`neuron ${args[2]}`, null]]);
      refresh = await neuronPage(main, args[0], args[1], args[2]);
    } else if (page === 'atlas' && args.length === 2) {
      crumbs([['models', '#/'], [`${args[0]} / ${args[1]}`, route('layer', args[0], args[1])], ['atlas', null]]);
      refresh = await atlasPage(main, args[0], args[1]);
    } else {
      crumbs([['models', null]]);
      refresh = await modelsPage(main);
    }
  } catch (e) {
    setStatus(e.message);
  }
  if (refresh && mine === generation) {
    timer = setInterval(() => refresh().catch((e) => setStatus(e.message)), REFRESH_MS);
  }
}

window.addEventListener('hashchange', show);
show();
startAlertFeed(setStatus);
