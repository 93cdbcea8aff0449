// A Gantt chart of states: one row per state (in order of first entry),
// one bar per visit coloured by what happened, a mark per failed attempt
// and a hatched span for each wait before a retry.
import { h, s, fmtDuration } from './dom.js';

const ROW = 22;
const LABEL = 190;

export function timeline(summary) {
  const e = summary.execution;
  const rows = Object.entries(summary.states || {})
    .filter(([, st]) => st.visits && st.visits.length)
    .sort((a, b) => new Date(a[1].visits[0].start) - new Date(b[1].visits[0].start));
  if (!rows.length) return h('p', { class: 'muted' }, 'No state has been entered yet.');
  const t0 = new Date(e.startedAt).getTime();
  const now = Date.now();
  const t1 = Math.max(e.stoppedAt ? new Date(e.stoppedAt).getTime() : now, t0 + 1);
  const width = 900;
  const span = t1 - t0;
  const x = (t) => LABEL + ((new Date(t).getTime() - t0) / span) * (width - LABEL - 10);
  const height = rows.length * ROW + 30;
  const svg = s('svg', { class: 'gantt', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': 'timeline' });
  for (let i = 0; i <= 4; i++) {
    const tx = LABEL + (i / 4) * (width - LABEL - 10);
    svg.append(s('line', { x1: tx, x2: tx, y1: 0, y2: height - 18, class: 'tick' }),
      s('text', { x: tx, y: height - 4, class: 'tick-label', 'text-anchor': 'middle' }, fmtDuration((span * i) / 4)));
  }
  rows.forEach(([name, st], i) => {
    const y = i * ROW + 4;
    const g = s('g', { class: 'gantt-row', dataset: { state: name } });
    g.append(s('text', { x: 4, y: y + 13, class: 'row-label' }, name.length > 26 ? `${name.slice(0, 25)}…` : name));
    for (const v of st.visits) {
      const xa = x(v.start);
      const xb = Math.max(x(v.end || (e.stoppedAt || now)), xa + 2);
      const bar = s('rect', { x: xa, y, width: xb - xa, height: ROW - 8, rx: 2, class: `bar st-${v.status}` });
      bar.append(s('title', {}, `${name}: ${v.status}, ${fmtDuration(new Date(v.end || t1) - new Date(v.start))}`));
      g.append(bar);
      for (const a of v.attempts || []) {
        const xf = x(a.at);
        if (a.retried) g.append(s('rect', { x: xf, y: y + 3, width: Math.max(x(a.retried) - xf, 1), height: ROW - 14, class: 'retry-wait' }, s('title', {}, `waited ${fmtDuration(new Date(a.retried) - new Date(a.at))} to retry after ${a.error}`)));
        g.append(s('line', { x1: xf, x2: xf, y1: y - 1, y2: y + ROW - 7, class: 'fail-mark' }, s('title', {}, `${a.error} at ${new Date(a.at).toISOString()}`)));
      }
    }
    if (st.dropped) g.append(s('text', { x: width - 8, y: y + 13, class: 'row-note', 'text-anchor': 'end' }, `+${st.dropped} visits not drawn`));
    svg.append(g);
  });
  return h('div', { class: 'timeline', id: 'timeline' }, h('h3', {}, 'Timeline'), svg,
    h('p', { class: 'muted' }, 'Bars are visits of a state; red marks are failed attempts, hatched spans the wait before a retry.'));
}
