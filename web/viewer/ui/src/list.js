// The executions list: filters in the URL, cursor paging, auto-refresh.
import { h, replace, fmtTime, fmtDuration, duration, statusBadge } from './dom.js';
import { get, qs } from './api.js';
import { navigate } from './nav.js';

const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

export function executionLink(arn, text) {
  return h('a', { href: `#/execution?${new URLSearchParams({ arn })}` }, text);
}

// executionsTable renders executions, each name linked by link (an
// execution's page by default); machine names link to their page (a Map
// run's child machine has none).
export function executionsTable(execs, link = executionLink) {
  if (!execs.length) return h('p', { class: 'muted empty' }, 'No executions match.');
  return h('table', { class: 'list executions' },
    h('thead', {}, h('tr', {}, ['Status', 'Name', 'State machine', 'Started', 'Stopped', 'Duration'].map((t) => h('th', {}, t)))),
    h('tbody', {}, execs.map((e) => h('tr', { dataset: { arn: e.arn } },
      h('td', {}, statusBadge(e.status)),
      h('td', { class: 'name' }, link(e.arn, e.name)),
      // A Map run's children run MACHINE/LABEL, which has no page of its own.
      h('td', {}, e.stateMachine.includes('/') ? e.stateMachine : h('a', { href: `#/machines/${encodeURIComponent(e.stateMachine)}` }, e.stateMachine)),
      h('td', {}, fmtTime(e.startedAt)),
      h('td', {}, fmtTime(e.stoppedAt)),
      h('td', {}, fmtDuration(duration(e.startedAt, e.stoppedAt)))))));
}

export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export async function executionsPage(main, params) {
  const f = {
    stateMachine: params.get('stateMachine') || '',
    status: params.get('status') || '',
    namePrefix: params.get('namePrefix') || '',
    startedAfter: params.get('startedAfter') || '',
    startedBefore: params.get('startedBefore') || '',
  };
  const cursors = (params.get('cursors') || '').split(',').filter(Boolean);
  const machineSel = h('select', { name: 'stateMachine', id: 'f-machine' }, h('option', { value: '' }, 'All state machines'));
  const form = h('form', { class: 'filters', id: 'filters', on: { submit: (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const p = {};
    for (const k of ['stateMachine', 'status', 'namePrefix']) p[k] = fd.get(k);
    for (const k of ['startedAfter', 'startedBefore']) { const v = fd.get(k); p[k] = v ? new Date(v).toISOString() : ''; }
    navigate('/executions', p);
  } } },
  machineSel,
  h('select', { name: 'status', id: 'f-status' }, STATUSES.map((st) => h('option', { value: st, selected: st === f.status }, st || 'Any status'))),
  h('input', { name: 'namePrefix', id: 'f-name', placeholder: 'Name starts with', value: f.namePrefix }),
  h('label', {}, 'From ', h('input', { type: 'datetime-local', name: 'startedAfter', value: toLocalInput(f.startedAfter) })),
  h('label', {}, 'To ', h('input', { type: 'datetime-local', name: 'startedBefore', value: toLocalInput(f.startedBefore) })),
  h('button', { type: 'submit', id: 'f-apply' }, 'Filter'),
  h('a', { href: '#/executions', class: 'button secondary' }, 'Clear'));
  const auto = h('input', { type: 'checkbox', id: 'auto-refresh', checked: localStorage.getItem('stepwise.autoRefresh') !== 'off' });
  const body = h('div', { id: 'executions' });
  const pager = h('div', { class: 'pager' });
  const updated = h('span', { class: 'muted small-text' });
  replace(main, h('div', { class: 'page-head' }, h('h1', {}, 'Executions'), h('label', { class: 'auto' }, auto, ' auto-refresh'), updated), form, body, pager);

  get('/v1/state-machines?limit=1000').then((r) => {
    for (const m of r.stateMachines) machineSel.append(h('option', { value: m.name, selected: m.name === f.stateMachine }, m.name));
  }).catch(() => {});

  let next = '';
  async function load() {
    const cursor = cursors[cursors.length - 1];
    const r = await get(`/v1/executions${qs({ ...f, limit: 50, cursor })}`);
    next = r.nextCursor || '';
    replace(body, executionsTable(r.executions));
    replace(pager,
      h('button', { type: 'button', class: 'secondary', disabled: !cursors.length, on: { click: () => page(cursors.slice(0, -1)) } }, '← Newer'),
      h('span', { class: 'muted' }, `Page ${cursors.length + 1}`),
      h('button', { type: 'button', class: 'secondary', id: 'next-page', disabled: !next, on: { click: () => page([...cursors, next]) } }, 'Older →'));
    updated.textContent = `updated ${new Date().toLocaleTimeString(undefined, { hour12: false })}`;
  }
  function page(cs) { navigate('/executions', { ...f, cursors: cs.join(',') }); }
  await load();
  const timer = setInterval(() => {
    if (auto.checked && !document.hidden) load().catch(() => {});
  }, 3000);
  auto.addEventListener('change', () => localStorage.setItem('stepwise.autoRefresh', auto.checked ? 'on' : 'off'));
  return () => clearInterval(timer);
}
