// Safe DOM building: text always goes in as text nodes, attributes through
// setAttribute with a fixed list of names. Nothing here parses HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

// Attributes that could run code or load content are refused outright.
function checkAttr(name) {
  const n = name.toLowerCase();
  if (n.startsWith('on') || n === 'style' || n === 'srcdoc') {
    throw new Error(`refusing attribute ${name}`);
  }
}

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    } else if (k === 'value' && 'value' in el) {
      el.value = v;
    } else if (k === 'checked' && 'checked' in el) {
      el.checked = !!v;
    } else {
      checkAttr(k);
      if (k === 'href' && !/^(#|\/|https?:)/.test(String(v))) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

// append adds children: nodes as they are, strings and numbers as text,
// arrays flattened, null/undefined/false skipped.
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h creates an HTML element.
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// s creates an SVG element.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

// clear empties an element and appends new children.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function fmtTime(t) {
  if (!t) return '—';
  const d = new Date(t);
  return d.toLocaleString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${Math.round(s - m * 60)} s`;
  const hh = Math.floor(m / 60);
  return `${hh} h ${m - hh * 60} m`;
}

export function duration(start, stop) {
  if (!start) return null;
  return (stop ? new Date(stop) : new Date()) - new Date(start);
}

export function statusBadge(status) {
  return h('span', { class: `badge badge-${String(status).toLowerCase()}` }, status);
}

export function errorBox(e) {
  return h('div', { class: 'error-box', role: 'alert' }, h('strong', {}, e.code || 'Error'), ' ', e.message || String(e));
}
