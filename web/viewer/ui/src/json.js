// A collapsible JSON tree built from <details> elements; every key and
// value is text.
import { h } from './dom.js';

const MAX_CHILDREN = 500;

export function jsonTree(value, { open = 2 } = {}) {
  return h('div', { class: 'json' }, node(value, open, 0));
}

function node(v, open, depth) {
  if (v === null) return h('span', { class: 'j-null' }, 'null');
  if (Array.isArray(v)) return container(v.map((x, i) => [i, x]), '[', ']', open, depth, `${v.length} item${v.length === 1 ? '' : 's'}`);
  if (typeof v === 'object') return container(Object.entries(v), '{', '}', open, depth, `${Object.keys(v).length} key${Object.keys(v).length === 1 ? '' : 's'}`);
  if (typeof v === 'string') return h('span', { class: 'j-str' }, JSON.stringify(v));
  if (typeof v === 'number') return h('span', { class: 'j-num' }, String(v));
  if (typeof v === 'boolean') return h('span', { class: 'j-bool' }, String(v));
  return h('span', {}, String(v));
}

function container(entries, lb, rb, open, depth, summary) {
  if (entries.length === 0) return h('span', { class: 'j-punct' }, lb + rb);
  const rows = entries.slice(0, MAX_CHILDREN).map(([k, x]) =>
    h('div', { class: 'j-row' },
      typeof k === 'number' ? null : h('span', { class: 'j-key' }, JSON.stringify(k)),
      typeof k === 'number' ? null : h('span', { class: 'j-punct' }, ': '),
      node(x, open, depth + 1)));
  if (entries.length > MAX_CHILDREN) rows.push(h('div', { class: 'j-more' }, `… ${entries.length - MAX_CHILDREN} more`));
  return h('details', { class: 'j-box', open: depth < open },
    h('summary', {}, h('span', { class: 'j-punct' }, lb), h('span', { class: 'j-sum' }, ' ' + summary + ' '), h('span', { class: 'j-punct' }, rb)),
    h('div', { class: 'j-children' }, rows));
}

// jsonBlock shows a labelled JSON value with a copy button.
export function jsonBlock(label, value, opts) {
  const copy = h('button', { class: 'small', type: 'button', on: { click: () => navigator.clipboard?.writeText(JSON.stringify(value, null, 2)) } }, 'Copy');
  return h('section', { class: 'json-block' },
    h('div', { class: 'json-head' }, h('h4', {}, label), copy),
    value === undefined ? h('p', { class: 'muted' }, 'none') : jsonTree(value, opts));
}
