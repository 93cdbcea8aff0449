// The event history: pages of 100 read from the server (so 25,000 events
// cost one page), filters by type and failures, rows that expand to the
// event's details.
import { h, replace, fmtTime, errorBox } from './dom.js';
import { get, execPath } from './api.js';
import { jsonTree } from './json.js';

const PAGE = 100;

export function historyView(pane, arn, summary) {
  const f = { type: '', failures: false };
  let cursors = [0]; // after= of each page seen
  let next = 0;
  let shown = false;
  const typeSel = h('select', { id: 'h-type' });
  const fails = h('input', { type: 'checkbox', id: 'h-failures' });
  const body = h('div', { id: 'history-rows' });
  const pager = h('div', { class: 'pager' });
  const count = h('span', { class: 'muted' });
  const fillTypes = (sum) => {
    const cur = typeSel.value;
    replace(typeSel, h('option', { value: '' }, 'All types'), Object.entries(sum.eventTypes || {}).sort().map(([t, n]) => h('option', { value: t, selected: t === cur }, `${t} (${n})`)));
  };
  fillTypes(summary);
  typeSel.addEventListener('change', () => { f.type = typeSel.value; cursors = [0]; load(); });
  fails.addEventListener('change', () => { f.failures = fails.checked; cursors = [0]; load(); });
  const goto = h('input', { type: 'number', min: 1, id: 'h-goto', placeholder: 'event id' });
  const gotoForm = h('form', { class: 'inline', on: { submit: (ev) => {
    ev.preventDefault();
    const id = Number(goto.value);
    if (id >= 1) { cursors = [0, id - 1]; load(); }
  } } }, goto, h('button', { type: 'submit', class: 'secondary' }, 'Go to event'));
  replace(pane, h('div', { class: 'page-head' }, h('h3', {}, 'History'), count),
    h('div', { class: 'filters' }, typeSel, h('label', {}, fails, ' failures only'), gotoForm), body, pager);
  count.textContent = `${summary.eventCount} events`;

  async function load() {
    const after = cursors[cursors.length - 1];
    let r;
    try {
      r = await get(execPath(arn, '/viewer/events', { after, limit: PAGE, type: f.type, failures: f.failures || '' }));
    } catch (e) { replace(body, errorBox(e)); return; }
    next = r.next || 0;
    replace(body, r.events.length ? h('table', { class: 'list history' },
      h('thead', {}, h('tr', {}, ['ID', 'Type', 'State', 'Time', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, r.events.map(row))) : h('p', { class: 'muted empty' }, 'No events match.'));
    replace(pager,
      h('button', { type: 'button', class: 'secondary', id: 'h-first', disabled: cursors.length === 1, on: { click: () => { cursors = [0]; load(); } } }, '⇤ First'),
      h('button', { type: 'button', class: 'secondary', id: 'h-prev', disabled: cursors.length === 1, on: { click: () => { cursors.pop(); load(); } } }, '← Previous'),
      h('span', { class: 'muted', id: 'h-page' }, `Page ${cursors.length}`),
      h('button', { type: 'button', class: 'secondary', id: 'h-next', disabled: !next, on: { click: () => { cursors.push(next); load(); } } }, 'Next →'));
  }

  function row(ev) {
    const bad = /(Failed|TimedOut|Aborted)$/.test(ev.type);
    const tr = h('tr', { class: `ev${bad ? ' bad' : ''}`, dataset: { id: ev.id }, tabindex: '0' },
      h('td', {}, String(ev.id)), h('td', { class: 'type' }, ev.type), h('td', {}, ev.state || ''), h('td', {}, fmtTime(ev.timestamp)),
      h('td', {}, ev.details ? '▸' : ''));
    const toggle = () => {
      const n = tr.nextElementSibling;
      if (n && n.classList.contains('ev-details')) { n.remove(); return; }
      tr.after(h('tr', { class: 'ev-details' }, h('td', { colspan: 5 }, ev.details ? jsonTree(ev.details, { open: 3 }) : h('span', { class: 'muted' }, 'no details'))));
    };
    tr.addEventListener('click', toggle);
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') toggle(); });
    return tr;
  }

  return {
    show() { if (!shown) { shown = true; load(); } },
    // update follows new events: the list of types, the count, and the
    // last page when it is the one shown.
    update(sum) {
      fillTypes(sum);
      count.textContent = `${sum.eventCount} events`;
      if (shown && !next) load();
    },
  };
}
