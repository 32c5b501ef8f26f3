// DOM and formatting helpers. Every value reaches the page through textContent or an attribute, never as HTML.
const SVG_NS = 'http://www.w3.org/2000/svg';

export const DASH = '—';

/** An element: attrs are set as attributes (on* keys as listeners); children are nodes or text. */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, like h(). */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) { continue; }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.substring(2), v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) { continue; }
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** A number for a table cell: em dash when missing, small values in exponent form. */
export function num(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) { return DASH; }
  if (Number.isInteger(v)) { return String(v); }
  if (v !== 0 && Math.abs(v) < 1e-3) { return v.toExponential(2); }
  return v.toFixed(digits);
}

export function text(v) {
  return v === null || v === undefined || v === '' ? DASH : String(v);
}

export function time(ms) {
  return ms === null || ms === undefined ? DASH : new Date(ms).toLocaleString();
}

/** The hash route of a page; segments are URI-encoded. */
export function route(...segments) {
  return '#/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

/** The API path of a resource; segments are URI-encoded. */
export function api(...segments) {
  return '/api/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

export async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (r.status === 404) { return null; }
  if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
  return r.json();
}
