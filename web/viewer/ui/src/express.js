// Express executions, which are never stored: the list and the page of
// one, both read from their log records (GET /v1/express-executions, the
// summary GET /v1/express-executions/-/viewer and GET /v1/log-records).
//   #/express?stateMachine&status&from&to&cursors   the list
//   #/express-execution?arn=ARN                     one execution
import { h, replace, fmtTime, fmtDuration, duration, statusBadge, errorBox } from './dom.js';
import { get, qs } from './api.js';
import { navigate } from './nav.js';
import { Graph } from './graph.js';
import { jsonTree } from './json.js';
import { executionsTable, toLocalInput } from './list.js';
import { fact, legend } from './execution.js';

const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT'];
const PAGE = 100;

export function expressLink(arn, text) {
  return h('a', { href: `#/express-execution?${new URLSearchParams({ arn })}` }, text);
}

// expressListPage is the list, filtered by machine, status and start
// time, paged by cursor.
export async function expressListPage(main, params) {
  const f = {
    stateMachine: params.get('stateMachine') || '',
    status: params.get('status') || '',
    from: params.get('from') || '',
    to: params.get('to') || '',
  };
  const cursors = (params.get('cursors') || '').split(',').filter(Boolean);
  const machineSel = h('select', { name: 'stateMachine', id: 'x-machine' }, h('option', { value: '' }, 'All state machines'));
  const form = h('form', { class: 'filters', id: 'x-filters', on: { submit: (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const p = { stateMachine: fd.get('stateMachine'), status: fd.get('status') };
    for (const k of ['from', 'to']) { const v = fd.get(k); p[k] = v ? new Date(v).toISOString() : ''; }
    navigate('/express', p);
  } } },
  machineSel,
  h('select', { name: 'status', id: 'x-status' }, STATUSES.map((st) => h('option', { value: st, selected: st === f.status }, st || 'Any status'))),
  h('label', {}, 'From ', h('input', { type: 'datetime-local', name: 'from', id: 'x-from', value: toLocalInput(f.from) })),
  h('label', {}, 'To ', h('input', { type: 'datetime-local', name: 'to', id: 'x-to', value: toLocalInput(f.to) })),
  h('button', { type: 'submit', id: 'x-apply' }, 'Filter'),
  h('a', { href: '#/express', class: 'button secondary' }, 'Clear'));
  const body = h('div', { id: 'express-executions' });
  const pager = h('div', { class: 'pager' });
  replace(main, h('div', { class: 'page-head' }, h('h1', {}, 'Express executions'),
    h('span', { class: 'muted small-text' }, 'from their log records: machines logging at OFF leave none')), form, body, pager);

  get('/v1/state-machines?limit=1000').then((r) => {
    for (const m of r.stateMachines) {
      if (!m.type || m.type === 'EXPRESS') machineSel.append(h('option', { value: m.name, selected: m.name === f.stateMachine }, m.name));
    }
  }).catch(() => {});

  const r = await get(`/v1/express-executions${qs({ ...f, limit: 50, cursor: cursors[cursors.length - 1] })}`);
  const next = r.nextCursor || '';
  const page = (cs) => navigate('/express', { ...f, cursors: cs.join(',') });
  replace(body, executionsTable(r.executions, expressLink));
  replace(pager,
    h('button', { type: 'button', class: 'secondary', disabled: !cursors.length, on: { click: () => page(cursors.slice(0, -1)) } }, '← Newer'),
    h('span', { class: 'muted' }, `Page ${cursors.length + 1}`),
    h('button', { type: 'button', class: 'secondary', id: 'x-next-page', disabled: !next, on: { click: () => page([...cursors, next]) } }, 'Older →'));
  return null;
}

// expressPage is one Express execution: its header, the graph coloured
// from its records when they hold every event, and its records.
export async function expressPage(main, params) {
  const arn = params.get('arn');
  const summary = await get(`/v1/express-executions/-/viewer${qs({ arn })}`);
  const graphBox = h('div', { class: 'graph', id: 'exec-graph' });
  const note = summary.complete ? null : h('p', { class: 'muted', id: 'x-incomplete' },
    'The log records do not hold every event of this execution (its machine logs at ERROR or FATAL), so the graph is not coloured.');
  const events = h('section', { class: 'card', id: 'x-events' });
  replace(main, header(summary), note, h('div', { class: 'pane graph-pane', id: 'pane-graph' }, h('div', { class: 'graph-wrap' }, graphBox, legend())), events);
  if (summary.definition) {
    const graph = new Graph(graphBox, { onSelect: () => {} });
    await graph.render(summary.definition);
    const states = summary.states || {};
    const taken = new Set((summary.transitions || []).map(([a, b]) => `${a}\u0000${b}`));
    graph.colour((n) => states[n]?.status, (n) => (states[n]?.entered > 1 ? `×${states[n].entered}` : ''), taken, '');
    requestAnimationFrame(() => graph.fit());
  } else {
    replace(graphBox, h('p', { class: 'muted' }, 'The state machine is gone: no graph.'));
  }
  recordsView(events, arn, summary.eventCount);
  return null;
}

function header(summary) {
  const e = summary.execution;
  return h('section', { class: 'card exec-header', id: 'exec-header' },
    h('div', { class: 'exec-title' }, statusBadge(e.status), h('h1', { id: 'exec-name' }, e.name), h('span', { class: 'muted' }, 'Express')),
    h('dl', { class: 'facts' },
      fact('State machine', h('a', { href: `#/machines/${encodeURIComponent(e.stateMachine)}` }, e.stateMachine)),
      fact('Started', fmtTime(e.startedAt)),
      fact('Stopped', fmtTime(e.stoppedAt)),
      fact('Duration', fmtDuration(duration(e.startedAt, e.stoppedAt))),
      fact('Log records', String(summary.eventCount)),
      fact('ARN', h('span', { class: 'arn' }, e.arn), 'wide')),
    e.error || e.cause ? h('div', { class: 'failure', id: 'exec-error' },
      h('div', {}, h('strong', {}, 'Error: '), h('code', {}, e.error || '')),
      h('div', { class: 'cause' }, h('strong', {}, 'Cause: '), e.cause || '')) : null);
}

// recordsView lists the execution's log records, newest first, in pages;
// a row expands to the record's details.
function recordsView(pane, arn, count) {
  let cursors = [''];
  const body = h('div', { id: 'x-records' });
  const pager = h('div', { class: 'pager' });
  replace(pane, h('div', { class: 'page-head' }, h('h3', {}, 'Events'), h('span', { class: 'muted' }, `${count} log records, newest first`)), body, pager);
  async function load() {
    let r;
    try {
      r = await get(`/v1/log-records${qs({ execution: arn, limit: PAGE, cursor: cursors[cursors.length - 1] })}`);
    } catch (e) { replace(body, errorBox(e)); return; }
    replace(body, h('table', { class: 'list history' },
      h('thead', {}, h('tr', {}, ['ID', 'Type', 'State', 'Time', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, r.records.map(row))));
    replace(pager,
      h('button', { type: 'button', class: 'secondary', disabled: cursors.length === 1, on: { click: () => { cursors.pop(); load(); } } }, '← Newer'),
      h('span', { class: 'muted' }, `Page ${cursors.length}`),
      h('button', { type: 'button', class: 'secondary', id: 'x-records-next', disabled: !r.nextCursor, on: { click: () => { cursors.push(r.nextCursor); load(); } } }, 'Older →'));
  }
  load();
}

function row(rec) {
  const bad = /(Failed|TimedOut|Aborted)$/.test(rec.type);
  const at = rec.event_timestamp ? new Date(Number(rec.event_timestamp)).toISOString() : '';
  const tr = h('tr', { class: `ev${bad ? ' bad' : ''}`, dataset: { id: rec.id }, tabindex: '0' },
    h('td', {}, rec.id), h('td', { class: 'type' }, rec.type), h('td', {}, rec.details?.name || ''), h('td', {}, fmtTime(at)), h('td', {}, '▸'));
  const toggle = () => {
    const n = tr.nextElementSibling;
    if (n && n.classList.contains('ev-details')) { n.remove(); return; }
    tr.after(h('tr', { class: 'ev-details' }, h('td', { colspan: 5 }, jsonTree(rec.details || {}, { open: 3 }))));
  };
  tr.addEventListener('click', toggle);
  tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') toggle(); });
  return tr;
}
