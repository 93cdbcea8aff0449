// State machines: the list, and one machine's page with its graph,
// versions, recent executions and a form to start an execution.
import { h, replace, fmtTime, errorBox } from './dom.js';
import { get, post, qs } from './api.js';
import { navigate } from './nav.js';
import { Graph } from './graph.js';
import { executionsTable } from './list.js';
import { jsonBlock } from './json.js';

export async function machinesPage(main) {
  const r = await get('/v1/state-machines?limit=1000');
  replace(main, h('div', { class: 'page-head' }, h('h1', {}, 'State machines')),
    r.stateMachines.length === 0 ? h('p', { class: 'muted empty' }, 'No state machines yet.') :
      h('table', { class: 'list machines' },
        h('thead', {}, h('tr', {}, ['Name', 'Latest version', 'Created', 'ARN'].map((t) => h('th', {}, t)))),
        h('tbody', {}, r.stateMachines.map((m) => h('tr', {},
          h('td', { class: 'name' }, h('a', { href: `#/machines/${encodeURIComponent(m.name)}` }, m.name)),
          h('td', {}, String(m.latestVersion)),
          h('td', {}, fmtTime(m.createdAt)),
          h('td', { class: 'arn' }, m.arn))))));
}

export async function machinePage(main, name, params) {
  const version = params.get('version') || '';
  const m = await get(`/v1/state-machines/${encodeURIComponent(name)}${qs({ version })}`);
  const graphBox = h('div', { class: 'graph', id: 'machine-graph' });
  const input = h('textarea', { id: 'start-input', rows: 8, spellcheck: 'false' }, '{}');
  const execName = h('input', { id: 'start-name', placeholder: 'Name (optional, makes the start idempotent)' });
  const msg = h('div', { class: 'form-msg', id: 'start-msg', role: 'status' });
  const check = () => {
    try { JSON.parse(input.value); msg.textContent = ''; input.classList.remove('invalid'); return true; } catch (e) {
      msg.textContent = `Input is not valid JSON: ${e.message}`; input.classList.add('invalid'); return false;
    }
  };
  input.addEventListener('input', check);
  const form = h('form', { class: 'start-form', id: 'start-form', on: { submit: async (ev) => {
    ev.preventDefault();
    if (!check()) return;
    try {
      const body = { input: JSON.parse(input.value), version: Number(m.version) || 0 };
      if (execName.value.trim()) body.name = execName.value.trim();
      const e = await post(`/v1/state-machines/${encodeURIComponent(m.name)}/executions`, body);
      navigate('/execution', { arn: e.arn });
    } catch (e) { replace(msg, errorBox(e)); }
  } } }, h('h3', {}, `Start an execution of version ${m.version}`), execName, input, msg, h('button', { type: 'submit', id: 'start-submit' }, 'Start execution'));
  const recent = h('div', { id: 'recent' }, h('p', { class: 'muted' }, 'Loading…'));
  const published = h('div', { id: 'published' }, h('p', { class: 'muted' }, 'Loading…'));
  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, m.name), h('span', { class: 'muted' }, `version ${m.version} of ${m.latestVersion}`)),
    h('p', { class: 'arn' }, m.arn),
    h('div', { class: 'machine-layout' },
      h('section', { class: 'card' }, h('h3', {}, 'Definition'), graphBox),
      h('div', { class: 'side' },
        h('section', { class: 'card' }, form),
        h('section', { class: 'card' }, h('h3', {}, 'Versions'),
          h('ul', { class: 'versions' }, (m.versions || []).map((v) => h('li', {},
            h('a', { href: `#/machines/${encodeURIComponent(m.name)}?version=${v.version}`, class: v.version === m.version ? 'active' : '' }, `v${v.version}`),
            ' ', h('span', { class: 'muted' }, fmtTime(v.createdAt)), v.hasInputSchema ? ' · input schema' : '')))))),
    h('section', { class: 'card' }, h('h3', {}, 'Published versions and aliases'), published),
    h('section', { class: 'card' }, h('h3', {}, 'Recent executions'), recent),
    h('section', { class: 'card' }, jsonBlock('Definition (JSON)', m.definition)));
  const g = new Graph(graphBox, {});
  await g.render(m.definition);
  g.colour(() => undefined, null, new Set(), null);
  publishedTables(m.name).then((t) => replace(published, ...t)).catch((e) => replace(published, errorBox(e)));
  get(`/v1/executions${qs({ stateMachine: m.name, limit: 20 })}`).then((r) => replace(recent, executionsTable(r.executions))).catch((e) => replace(recent, errorBox(e)));
}

// publishedTables lists a machine's published versions (AWS's, each
// running one of its revisions) and its aliases with their routes.
async function publishedTables(name) {
  const path = `/v1/state-machines/${encodeURIComponent(name)}`;
  const [v, a] = await Promise.all([get(`${path}/versions?limit=100`), get(`${path}/aliases?limit=100`)]);
  const revision = (n) => h('a', { href: `#/machines/${encodeURIComponent(name)}?version=${n}` }, `revision ${n}`);
  return [
    v.versions.length === 0 ? h('p', { class: 'muted', id: 'no-versions' }, 'No published version.') :
      h('table', { class: 'list', id: 'published-versions' },
        h('thead', {}, h('tr', {}, ['Version', 'Runs', 'Published', 'Description'].map((t) => h('th', {}, t)))),
        h('tbody', {}, v.versions.map((x) => h('tr', {},
          h('td', { class: 'arn', title: x.arn }, String(x.version)), h('td', {}, revision(x.revision)),
          h('td', {}, fmtTime(x.createdAt)), h('td', {}, x.description || ''))))),
    a.aliases.length === 0 ? h('p', { class: 'muted', id: 'no-aliases' }, 'No alias.') :
      h('table', { class: 'list', id: 'aliases' },
        h('thead', {}, h('tr', {}, ['Alias', 'Routes', 'Description'].map((t) => h('th', {}, t)))),
        h('tbody', {}, a.aliases.map((x) => h('tr', {},
          h('td', { class: 'name', title: x.arn }, x.name),
          h('td', {}, x.routes.map((r) => `version ${r.version}: ${r.weight}%`).join(' · ')),
          h('td', {}, x.description || ''))))),
  ];
}
