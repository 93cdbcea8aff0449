// The execution page: header with actions, the coloured graph with step
// details and the Map iteration picker, the timeline, the history; kept
// live by the execution's event stream.
import { h, replace, fmtTime, fmtDuration, duration, statusBadge, errorBox } from './dom.js';
import { get, post, execPath, stream } from './api.js';
import { navigate } from './nav.js';
import { Graph, pathTo, mapProcessor } from './graph.js';
import { jsonBlock, jsonTree } from './json.js';
import { timeline } from './timeline.js';
import { historyView } from './history.js';
import { executionLink } from './list.js';
import { mapRunLink, mapRunList } from './maprun.js';

const TABS = [['graph', 'Graph'], ['timeline', 'Timeline'], ['history', 'History']];
const RUN_STATUS = { RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', ABORTED: 'cancelled', PENDING: undefined };

export async function executionPage(main, params) {
  const arn = params.get('arn');
  const ui = {
    state: params.get('state') || '',
    iter: params.get('iter') || '',
    tab: params.get('tab') || 'graph',
  };
  let summary = await get(execPath(arn, '/viewer'));
  const def = summary.definition;
  // The Map runs of its Distributed Maps (one page; they are few).
  const loadMapRuns = async () => (await get(execPath(arn, '/map-runs', { limit: 1000 }))).mapRuns;
  let mapRuns = await loadMapRuns();

  const headerBox = h('section', { class: 'card exec-header', id: 'exec-header' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const graphBox = h('div', { class: 'graph', id: 'exec-graph' });
  const details = h('aside', { class: 'details', id: 'details' });
  const graphPane = h('div', { class: 'pane graph-pane', id: 'pane-graph' }, h('div', { class: 'graph-wrap' }, graphBox, legend()), details);
  const timelinePane = h('div', { class: 'pane card', id: 'pane-timeline' });
  const historyPane = h('div', { class: 'pane card', id: 'pane-history' });
  replace(main, headerBox, tabs, graphPane, timelinePane, historyPane);

  const setURL = () => navigate('/execution', { arn, state: ui.state, iter: ui.iter, tab: ui.tab === 'graph' ? '' : ui.tab }, { replace: true });

  const graph = new Graph(graphBox, { onSelect: (name) => { ui.state = name; if (!iterBelongs(name)) ui.iter = ''; setURL(); recolour(); loadDetails(); } });
  await graph.render(def);

  const history = historyView(historyPane, arn, summary);

  function iterBelongs(name) {
    if (!ui.iter) return false;
    const mapName = ui.iter.slice(0, ui.iter.lastIndexOf(':'));
    if (name === mapName) return true;
    const proc = mapProcessor(def, mapName);
    return !!proc?.States?.[name];
  }

  function renderTabs() {
    replace(tabs, TABS.map(([id, label]) => h('button', {
      type: 'button', role: 'tab', id: `tab-${id}`, class: ui.tab === id ? 'active' : '', 'aria-selected': String(ui.tab === id),
      on: { click: () => { ui.tab = id; setURL(); renderTabs(); } },
    }, label)));
    graphPane.hidden = ui.tab !== 'graph';
    timelinePane.hidden = ui.tab !== 'timeline';
    historyPane.hidden = ui.tab !== 'history';
    if (ui.tab === 'graph') requestAnimationFrame(() => graph.fit());
    if (ui.tab === 'timeline') replace(timelinePane, timeline(summary));
    if (ui.tab === 'history') history.show();
  }

  // Iteration override: when an iteration is picked, its processor's
  // states show that iteration's path instead of the totals.
  let iterInfo = null;
  function recolour() {
    const states = summary.states || {};
    let override = null;
    if (ui.iter && iterInfo) {
      const mapName = ui.iter.slice(0, ui.iter.lastIndexOf(':'));
      const proc = mapProcessor(def, mapName);
      if (proc) {
        override = new Map();
        for (const n of Object.keys(proc.States)) override.set(n, undefined);
        const path = pathTo(proc, iterInfo.state);
        for (const n of path) override.set(n, 'succeeded');
        const st = iterInfo.status === 'SUCCEEDED' ? 'succeeded' : RUN_STATUS[iterInfo.status];
        if (iterInfo.state) override.set(iterInfo.state, st);
      }
    }
    const statusOf = (n) => (override && override.has(n) ? override.get(n) : states[n]?.status);
    const countOf = (n) => {
      const s = states[n];
      if (!s || (override && override.has(n))) return '';
      const m = summary.maps?.[n];
      if (m) return `${m.counts.SUCCEEDED || 0}/${m.total} ok${m.counts.FAILED ? ` · ${m.counts.FAILED} failed` : ''}`;
      const parts = [];
      if (s.entered > 1) parts.push(`×${s.entered}`);
      if (s.retries) parts.push(`${s.retries} retr${s.retries > 1 ? 'ies' : 'y'}`);
      return parts.join(' · ');
    };
    const taken = new Set((summary.transitions || []).map(([a, b]) => `${a}\u0000${b}`));
    graph.colour(statusOf, countOf, taken, ui.state);
  }

  let ioOpen = true;
  function renderHeader() {
    const e = summary.execution;
    const running = e.status === 'RUNNING';
    const msg = h('div', { class: 'form-msg', id: 'action-msg' });
    const act = async (what) => {
      try {
        await post(execPath(arn, `/${what}`));
        refresh();
      } catch (err) { replace(msg, errorBox(err)); }
    };
    // Stop asks again in place (a second click within five seconds).
    const stopBtn = h('button', { type: 'button', id: 'btn-stop', class: 'danger', disabled: !running, on: { click: () => {
      if (stopBtn.dataset.armed) { act('stop'); return; }
      stopBtn.dataset.armed = '1';
      stopBtn.textContent = 'Really stop?';
      setTimeout(() => { delete stopBtn.dataset.armed; stopBtn.textContent = 'Stop'; }, 5000);
    } } }, 'Stop');
    replace(headerBox,
      h('div', { class: 'exec-title' },
        statusBadge(e.status), h('h1', { id: 'exec-name' }, e.name),
        h('div', { class: 'spacer' }),
        stopBtn,
        h('button', { type: 'button', id: 'btn-redrive', class: 'secondary', disabled: running || e.status === 'SUCCEEDED', on: { click: () => act('redrive') } }, 'Redrive')),
      msg,
      h('dl', { class: 'facts' },
        fact('State machine', h('a', { href: `#/machines/${encodeURIComponent(e.stateMachine)}?version=${e.version}` }, `${e.stateMachine} (v${e.version})`)),
        e.versionArn ? fact('Version', h('span', { id: 'exec-version', class: 'arn' }, e.versionArn), 'wide') : null,
        e.aliasArn ? fact('Alias', h('span', { id: 'exec-alias', class: 'arn' }, e.aliasArn), 'wide') : null,
        e.parentExecutionArn ? fact('Started by', h('span', { id: 'exec-parent', class: 'arn' }, executionLink(e.parentExecutionArn, e.parentExecutionArn)), 'wide') : null,
        e.mapRunArn ? fact('Map run', h('span', { id: 'exec-map-run', class: 'arn' }, mapRunLink(e.mapRunArn, e.mapRunArn)), 'wide') : null,
        mapRuns.length ? fact('Map runs', h('div', { id: 'exec-map-runs' }, mapRunList(mapRuns)), 'wide') : null,
        fact('Started', fmtTime(e.startedAt)),
        fact('Stopped', fmtTime(e.stoppedAt)),
        fact('Duration', fmtDuration(duration(e.startedAt, e.stoppedAt))),
        fact('Events', String(summary.eventCount)),
        e.redriveCount ? fact('Redriven', `${e.redriveCount}×`) : null,
        fact('ARN', h('span', { class: 'arn' }, e.arn), 'wide')),
      e.error || e.cause ? h('div', { class: 'failure', id: 'exec-error' },
        h('div', {}, h('strong', {}, 'Error: '), h('code', {}, e.error || '')),
        h('div', { class: 'cause' }, h('strong', {}, 'Cause: '), e.cause || '')) : null,
      h('details', { class: 'io-box', open: ioOpen, on: { toggle: (ev) => { ioOpen = ev.target.open; } } }, h('summary', {}, 'Input and output'),
        h('div', { class: 'io' }, jsonBlock('Input', e.input, { open: 1 }), jsonBlock('Output', e.output, { open: 1 }))));
  }

  // Details of the selected state: its visits, attempts, stages, the
  // callback form, and for a Map state the iteration picker.
  let detailsSeq = 0;
  async function loadDetails() {
    const seq = ++detailsSeq;
    if (!ui.state) {
      replace(details, h('p', { class: 'muted' }, 'Click a state to see its input, output, payload stages, retries and timings.'));
      return;
    }
    let d;
    try {
      d = await get(execPath(arn, '/viewer/state', { state: ui.state }));
    } catch (e) { replace(details, errorBox(e)); return; }
    let iter = null;
    if (ui.iter) {
      const [mapName, idx] = [ui.iter.slice(0, ui.iter.lastIndexOf(':')), Number(ui.iter.slice(ui.iter.lastIndexOf(':') + 1))];
      const it = summary.maps?.[mapName]?.iterations?.find((x) => x.index === idx);
      if (it) {
        try { iter = await get(execPath(arn, '/viewer/iteration', { run: it.run })); } catch { iter = null; }
      }
    }
    if (seq !== detailsSeq) return;
    iterInfo = iter;
    recolour();
    const s = summary.states?.[ui.state];
    const box = h('div', { id: 'state-details' },
      h('div', { class: 'details-head' }, h('h2', {}, ui.state), h('span', { class: 'muted' }, d.type || ''),
        h('span', { class: `pill st-${s?.status || 'notreached'}`, id: 'state-status' }, (s?.status || 'not reached')),
        h('button', { type: 'button', class: 'small secondary', on: { click: () => { ui.state = ''; setURL(); recolour(); loadDetails(); } } }, '✕')));
    if (summary.maps?.[ui.state]) box.append(iterationPicker(ui.state));
    const stateRuns = mapRuns.filter((mr) => mr.state === ui.state);
    if (stateRuns.length) box.append(h('section', { id: 'state-map-runs' }, h('h4', {}, stateRuns.length > 1 ? 'Map runs' : 'Map run'), mapRunList(stateRuns)));
    if (iter) box.append(iterationDetails(iter));
    for (const w of d.waiting || []) box.append(callbackForm(w));
    if (!d.visits.length) box.append(h('p', { class: 'muted' }, 'This state has not been reached.'));
    const visits = d.visits;
    if (visits.length) {
      let vi = visits.length - 1;
      const visitBox = h('div', {});
      const show = () => replace(visitBox, visitDetails(visits[vi]));
      if (visits.length > 1) {
        box.append(h('label', { class: 'visit-pick' }, `Visit (${visits.length}${d.truncated ? '+' : ''}) `,
          h('select', { id: 'visit-select', on: { change: (ev) => { vi = Number(ev.target.value); show(); } } },
            visits.map((v, i) => h('option', { value: i, selected: i === vi }, `#${i + 1} · ${fmtTime(v.entered)}${v.error ? ` · ${v.error}` : ''}`)))));
      }
      show();
      box.append(visitBox);
    }
    replace(details, box);
  }

  function visitDetails(v) {
    const out = h('div', { class: 'visit' },
      h('dl', { class: 'facts' },
        fact('Entered', fmtTime(v.entered)),
        fact('Exited', fmtTime(v.exited)),
        fact('Duration', fmtDuration(v.exited ? new Date(v.exited) - new Date(v.entered) : duration(v.entered)))));
    if (v.children?.length) {
      out.append(h('div', { class: 'children', id: 'state-children' }, h('h4', {}, v.children.length > 1 ? 'Started executions' : 'Started execution'),
        h('ul', {}, v.children.map((c) => h('li', { class: 'arn' }, executionLink(c, c))))));
    }
    if (v.error || v.cause) {
      out.append(h('div', { class: 'failure' }, h('div', {}, h('strong', {}, 'Error: '), h('code', {}, v.error || '')), h('div', { class: 'cause' }, h('strong', {}, 'Cause: '), v.cause || '')));
    }
    if (v.attempts.length) {
      out.append(h('h4', {}, 'Attempts'), h('table', { class: 'attempts' },
        h('thead', {}, h('tr', {}, ['#', 'Scheduled', 'Took', 'Error', 'Wait before next'].map((t) => h('th', {}, t)))),
        h('tbody', {}, v.attempts.map((a, i) => h('tr', { class: a.error ? 'bad' : '' },
          h('td', {}, String(i + 1)), h('td', {}, fmtTime(a.scheduled)),
          h('td', {}, a.ended ? fmtDuration(new Date(a.ended) - new Date(a.scheduled)) : 'running'),
          h('td', { title: a.cause || '' }, a.error || ''),
          h('td', {}, a.wait !== undefined && a.wait !== null ? fmtDuration(a.wait * 1000) : ''))))));
    }
    out.append(h('h4', {}, 'Payload stages'));
    const stages = h('div', { class: 'stages' });
    for (const st of v.stages) {
      if (st.error) stages.append(h('div', { class: 'failure' }, h('strong', {}, `${st.name}: `), h('code', {}, st.error), ' ', st.cause || ''));
      else stages.append(h('details', { class: 'stage', open: st.name === 'Input' || st.name === 'OutputPath' },
        h('summary', {}, stageLabel(st.name)), jsonTree(st.value)));
    }
    if (!v.stages.length) stages.append(h('p', { class: 'muted' }, 'No input recorded.'));
    out.append(stages);
    out.append(h('div', { class: 'io' }, jsonBlock('State input', v.input), jsonBlock('State output', v.output)));
    return out;
  }

  function iterationPicker(mapName) {
    const m = summary.maps[mapName];
    const order = { FAILED: 0, ABORTED: 1, RUNNING: 2, PENDING: 3, SUCCEEDED: 4 };
    const its = [...m.iterations].sort((a, b) => (order[a.status] - order[b.status]) || a.index - b.index);
    const pick = (idx) => { ui.iter = `${mapName}:${idx}`; setURL(); loadDetails(); };
    const find = h('input', { type: 'number', min: 0, max: m.total - 1, placeholder: 'index', id: 'iter-index' });
    const list = h('div', { class: 'iter-list', id: 'iter-list' }, its.slice(0, 300).map((it) =>
      h('button', { type: 'button', class: `iter st-${RUN_STATUS[it.status] || 'notreached'}${ui.iter === `${mapName}:${it.index}` ? ' selected' : ''}`,
        title: `${it.status} at ${it.state}${it.error ? `: ${it.error}` : ''}`, dataset: { index: it.index },
        on: { click: () => pick(it.index) } }, String(it.index))));
    return h('section', { class: 'iter-picker' },
      h('h4', {}, `Iterations: ${m.total}`),
      h('p', { class: 'muted' }, Object.entries(m.counts).map(([k, n]) => `${n} ${k.toLowerCase()}`).join(' · ')),
      h('form', { class: 'inline', on: { submit: (ev) => { ev.preventDefault(); if (find.value !== '') pick(Number(find.value)); } } }, find, h('button', { type: 'submit', class: 'small' }, 'Show')),
      list, its.length > 300 ? h('p', { class: 'muted' }, `${its.length - 300} more: pick by index`) : null,
      ui.iter ? h('button', { type: 'button', class: 'small secondary', on: { click: () => { ui.iter = ''; iterInfo = null; setURL(); recolour(); loadDetails(); } } }, 'Show all iterations') : null);
  }

  function iterationDetails(it) {
    return h('section', { class: 'iteration', id: 'iteration-details' },
      h('h4', {}, `Iteration ${it.index} `, statusBadge(it.status)),
      h('dl', { class: 'facts' }, fact(it.status === 'RUNNING' ? 'At state' : 'Last state', it.state), fact('Entered', fmtTime(it.entered))),
      it.error ? h('div', { class: 'failure' }, h('div', {}, h('strong', {}, 'Error: '), h('code', {}, it.error)), h('div', { class: 'cause' }, h('strong', {}, 'Cause: '), it.cause || '')) : null,
      jsonBlock(`Input of ${it.state}`, it.stateInput),
      it.output !== undefined ? jsonBlock('Iteration output', it.output) : null,
      it.taskToken ? callbackForm({ state: it.state, token: it.taskToken }) : null);
  }

  function callbackForm(w) {
    if (!w.token) {
      return h('section', { class: 'callback card-inner', id: 'callback' },
        h('h4', {}, `${w.state} waits for a callback`),
        h('p', { class: 'muted' }, 'since ', fmtTime(w.since)),
        h('p', {}, 'Your API key may only read: a key that may change executions sees the task token and can answer here.'));
    }
    const out = h('textarea', { rows: 4, class: 'cb-output', spellcheck: 'false' }, '{"approved": true}');
    const errName = h('input', { class: 'cb-error', placeholder: 'Error name', value: 'Rejected' });
    const cause = h('input', { class: 'cb-cause', placeholder: 'Cause' });
    const msg = h('div', { class: 'form-msg' });
    const send = async (ok) => {
      try {
        if (ok) {
          let output;
          try { output = JSON.parse(out.value); } catch (e) { msg.textContent = `Output is not valid JSON: ${e.message}`; return; }
          await post('/v1/tasks/success', { taskToken: w.token, output });
        } else {
          await post('/v1/tasks/failure', { taskToken: w.token, error: errName.value, cause: cause.value });
        }
        msg.textContent = 'Sent.';
        refresh();
      } catch (e) { replace(msg, errorBox(e)); }
    };
    return h('section', { class: 'callback card-inner', id: 'callback' },
      h('h4', {}, `${w.state} waits for a callback`),
      h('p', { class: 'muted' }, 'since ', fmtTime(w.since)),
      h('details', {}, h('summary', {}, 'Task token'), h('code', { class: 'token' }, w.token)),
      h('label', {}, 'Output (JSON)'), out,
      h('button', { type: 'button', id: 'cb-success', on: { click: () => send(true) } }, 'Send success'),
      h('div', { class: 'cb-fail' }, errName, cause, h('button', { type: 'button', class: 'danger', id: 'cb-failure', on: { click: () => send(false) } }, 'Send failure')),
      msg);
  }

  // Live: refresh on each progress event, at most every 300 ms.
  let pending = false;
  let lastSeen = summary.lastEventId;
  let lastStatus = summary.execution.status;
  async function refresh() {
    if (pending) return;
    pending = true;
    setTimeout(async () => {
      pending = false;
      try {
        summary = await get(execPath(arn, '/viewer'));
        mapRuns = await loadMapRuns();
        lastSeen = summary.lastEventId;
        lastStatus = summary.execution.status;
        renderHeader();
        recolour();
        if (ui.tab === 'timeline') replace(timelinePane, timeline(summary));
        history.update(summary);
        if (ui.state) loadDetails();
      } catch { /* the next event retries */ }
    }, 150);
  }
  const stop = stream(execPath(arn, '/events/stream'), (type, data) => {
    if (type === 'progress' && (data.lastEventId !== lastSeen || data.status !== lastStatus)) refresh();
  });

  renderHeader();
  renderTabs();
  recolour();
  loadDetails();
  return () => stop();
}

export function fact(label, value, cls = '') {
  return h('div', { class: `fact ${cls}` }, h('dt', {}, label), h('dd', {}, value));
}

function stageLabel(name) {
  return { Input: 'Raw state input', InputPath: 'After InputPath', Parameters: 'After Parameters', Result: 'Result',
    ResultSelector: 'After ResultSelector', ResultPath: 'After ResultPath', OutputPath: 'After OutputPath (state output)' }[name] || name;
}

export function legend() {
  return h('div', { class: 'legend' }, [['notreached', 'not reached'], ['running', 'in progress'], ['succeeded', 'succeeded'], ['failed', 'failed'], ['caught', 'caught error'], ['cancelled', 'cancelled']]
    .map(([c, l]) => h('span', { class: 'leg' }, h('i', { class: `sw st-${c}` }), l)));
}
