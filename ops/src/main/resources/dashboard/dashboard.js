// Neurowatch dashboard: the label table from /api/labels (sortable) and live alerts from /api/alerts/stream.
// Plain JS, no build step. Values are inserted with textContent only (never as HTML).
(function () {
  'use strict';
  var labels = [];
  var sortKey = 'neuron';
  var sortDir = 1;
  var MAX_ALERTS = 500;

  function el(id) { return document.getElementById(id); }

  function setStatus(text) { el('status').textContent = text; }

  function loadLabels() {
    var params = new URLSearchParams();
    var model = el('f-model').value.trim();
    var layer = el('f-layer').value.trim();
    if (model) { params.set('model', model); }
    if (layer) { params.set('layer', layer); }
    var q = params.toString();
    fetch('/api/labels' + (q ? '?' + q : ''), { headers: { 'Accept': 'application/json' } })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
        return r.json();
      })
      .then(function (data) { labels = Array.isArray(data) ? data : []; render(); })
      .catch(function (e) { setStatus('labels: ' + e.message); });
  }

  function compare(a, b) {
    var x = a[sortKey], y = b[sortKey];
    if (x === y) { return 0; }
    if (x === null || x === undefined) { return 1; }   // missing values last in both directions
    if (y === null || y === undefined) { return -1; }
    if (typeof x === 'number' && typeof y === 'number') { return (x - y) * sortDir; }
    return String(x).localeCompare(String(y)) * sortDir;
  }

  function cell(tr, value, numeric) {
    var td = document.createElement('td');
    if (numeric) { td.className = 'num'; }
    if (value === null || value === undefined) {
      td.textContent = '–';
    } else if (typeof value === 'number' && !Number.isInteger(value)) {
      td.textContent = Math.abs(value) < 1e-3 && value !== 0 ? value.toExponential(2) : value.toFixed(4);
    } else {
      td.textContent = String(value);
    }
    tr.appendChild(td);
  }

  function render() {
    var rows = labels.slice().sort(compare);
    var body = document.querySelector('#labels tbody');
    var fragment = document.createDocumentFragment();
    var heads = document.querySelectorAll('#labels th');
    rows.forEach(function (l) {
      var tr = document.createElement('tr');
      heads.forEach(function (th) {
        var key = th.getAttribute('data-key');
        var value = key === 'readable' ? (l.readable || l.label) : l[key];
        cell(tr, value, th.hasAttribute('data-numeric'));
      });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    heads.forEach(function (th) {
      th.classList.remove('asc', 'desc');
      if (th.getAttribute('data-key') === sortKey) { th.classList.add(sortDir > 0 ? 'asc' : 'desc'); }
    });
    el('label-count').textContent = '(' + rows.length + ')';
  }

  function addAlert(text) {
    var list = el('alerts');
    var li = document.createElement('li');
    var shown = text;
    try { shown = JSON.stringify(JSON.parse(text)); } catch (e) { /* show as received */ }
    li.textContent = new Date().toLocaleTimeString() + '  ' + shown;
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_ALERTS) { list.removeChild(list.lastChild); }
  }

  function subscribe() {
    var source = new EventSource('/api/alerts/stream');
    source.onopen = function () { setStatus('live'); };
    source.onmessage = function (e) { addAlert(e.data); };
    source.onerror = function () { setStatus('alert stream disconnected, retrying…'); };
  }

  document.querySelectorAll('#labels th').forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.getAttribute('data-key');
      if (key === sortKey) { sortDir = -sortDir; } else { sortKey = key; sortDir = 1; }
      render();
    });
  });
  el('filters').addEventListener('submit', function (e) { e.preventDefault(); loadLabels(); });
  el('refresh').addEventListener('click', loadLabels);

  loadLabels();
  setInterval(loadLabels, 30000);
  subscribe();
})();
