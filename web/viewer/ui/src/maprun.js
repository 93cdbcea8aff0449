// The Map run page: a Distributed Map's run, whose items are child
// executions: its status and settings, its counts by status, and its
// children, filtered by status and paged, each linked to its execution
// page. While the Map run runs, the page polls it every second (its
// children's progress is in their own histories, not in the parent's
// event stream).
import { h, replace, fmtTime, fmtDuration, duration, statusBadge, errorBox } from './dom.js';
import { get, qs } from './api.js';
import { navigate } from './nav.js';
import { executionLink, executionsTable } from './list.js';
import { fact } from './execution.js';

const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const COUNTS = [['pending', 'Pending'], ['running', 'Running'], ['succeeded', 'Succeeded'], ['failed', 'Failed'],
  ['timedOut', 'Timed out'], ['aborted', 'Aborted'], ['total', 'Total']];

// mapRunPath is a Map run's API path; the ARN, which holds a slash, goes
// in the query.
export function mapRunPath(arn, suffix = '', params = {}) {
  return `/v1/map-runs/-${suffix}${qs({ arn, ...params })}`;
}

export function mapRunLink(arn, text) {
  return h('a', { href: `#/map-run?${new URLSearchParams({ arn })}`, class: 'map-run-link' }, text);
}

// mapRunList lists Map runs, each linked to its page.
export function mapRunList(runs) {
  return h('ul', { class: 'map-runs' }, runs.map((mr) => h('li', { dataset: { arn: mr.arn } },
    statusBadge(mr.status), ' ', mapRunLink(mr.arn, mr.label || mr.state), ' ', h('span', { class: 'muted' }, fmtTime(mr.startedAt)))));
}

export async function mapRunPage(main, params) {
  const arn = params.get('arn');
  let status = params.get('status') || '';
  let cursors = [];
  let run = await get(mapRunPath(arn));

  const headerBox = h('section', { class: 'card exec-header', id: 'maprun-header' });
  const countsBox = h('dl', { class: 'counts', id: 'maprun-counts' });
  const statusSel = h('select', { id: 'f-status', on: { change: () => {
    status = statusSel.value;
    cursors = [];
    navigate('/map-run', { arn, status }, { replace: true });
    loadChildren().catch((e) => replace(body, errorBox(e)));
  } } }, STATUSES.map((st) => h('option', { value: st, selected: st === status }, st || 'Any status')));
  const body = h('div', { id: 'children' });
  const pager = h('div', { class: 'pager' });
  const updated = h('span', { class: 'muted small-text', id: 'maprun-updated' });
  replace(main, headerBox, h('section', { class: 'card' }, h('h3', {}, 'Items'), countsBox),
    h('div', { class: 'page-head' }, h('h2', {}, 'Child executions'), h('div', { class: 'filters' }, statusSel), updated), body, pager);

  function renderRun() {
    const concurrency = run.maxConcurrency ? String(run.maxConcurrency) : 'no limit';
    replace(headerBox,
      h('div', { class: 'exec-title' }, statusBadge(run.status), h('h1', { id: 'maprun-name' }, `Map run ${run.label || run.state}`)),
      h('dl', { class: 'facts' },
        fact('Execution', h('span', { id: 'maprun-execution', class: 'arn' }, executionLink(run.executionArn, run.executionArn)), 'wide'),
        fact('Map state', run.state),
        fact('Started', fmtTime(run.startedAt)),
        fact('Stopped', fmtTime(run.stoppedAt)),
        fact('Duration', fmtDuration(duration(run.startedAt, run.stoppedAt))),
        fact('Max concurrency', h('span', { id: 'maprun-concurrency' }, concurrency)),
        fact('Tolerated failures', `${run.toleratedFailureCount} or ${run.toleratedFailurePercentage}%`),
        run.redriveCount ? fact('Redriven', `${run.redriveCount}×`) : null,
        fact('ARN', h('span', { class: 'arn' }, run.arn), 'wide')));
    replace(countsBox, COUNTS.map(([k, label]) => h('div', { class: `count count-${k}` },
      h('dt', {}, label), h('dd', { id: `count-${k}` }, String(run.counts?.[k] ?? 0)))));
  }

  async function loadChildren() {
    const r = await get(mapRunPath(arn, '/executions', { status, limit: 50, cursor: cursors[cursors.length - 1] }));
    const next = r.nextCursor || '';
    replace(body, executionsTable(r.executions));
    replace(pager,
      h('button', { type: 'button', class: 'secondary', disabled: !cursors.length, on: { click: () => { cursors = cursors.slice(0, -1); loadChildren(); } } }, '← Newer'),
      h('span', { class: 'muted' }, `Page ${cursors.length + 1}`),
      h('button', { type: 'button', class: 'secondary', id: 'next-page', disabled: !next, on: { click: () => { cursors = [...cursors, next]; loadChildren(); } } }, 'Older →'));
    updated.textContent = `updated ${new Date().toLocaleTimeString(undefined, { hour12: false })}`;
  }

  // Live: poll while the Map run runs, then once more after it ends.
  let busy = false;
  async function poll() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      run = await get(mapRunPath(arn));
      renderRun();
      await loadChildren();
      if (run.status !== 'RUNNING') clearInterval(timer);
    } catch { /* the next tick retries */ } finally { busy = false; }
  }

  renderRun();
  await loadChildren();
  const timer = setInterval(poll, 1000);
  if (run.status !== 'RUNNING') clearInterval(timer);
  return () => clearInterval(timer);
}
