// Stepwise's execution viewer: a hash-routed single-page app.
//   #/executions?…filters      executions list
//   #/machines                  state machines
//   #/machines/NAME?version=N   one state machine
//   #/execution?arn=ARN&state=S&iter=MAP:INDEX&tab=graph|timeline|history
//   #/map-run?arn=ARN&status=S  a Distributed Map's run and its child executions
//   #/express?…filters         Express executions (from log records)
//   #/express-execution?arn=ARN one Express execution
import { h, replace, errorBox } from './dom.js';
import { apiKey, setApiKey } from './api.js';
import { executionsPage } from './list.js';
import { machinesPage, machinePage } from './machines.js';
import { executionPage } from './execution.js';
import { expressListPage, expressPage } from './express.js';
import { mapRunPage } from './maprun.js';
import { parseHash } from './nav.js';
import './style.css';

const app = document.getElementById('app');
let cleanup = null;

async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const { path, params } = parseHash();
  const main = h('main', { id: 'page' });
  replace(app, main);
  setNav(path);
  try {
    if (path === '/executions' || path === '/') cleanup = await executionsPage(main, params);
    else if (path === '/machines') cleanup = await machinesPage(main, params);
    else if (path.startsWith('/machines/')) cleanup = await machinePage(main, decodeURIComponent(path.slice(10)), params);
    else if (path === '/execution') cleanup = await executionPage(main, params);
    else if (path === '/map-run') cleanup = await mapRunPage(main, params);
    else if (path === '/express') cleanup = await expressListPage(main, params);
    else if (path === '/express-execution') cleanup = await expressPage(main, params);
    else replace(main, h('h2', {}, 'Not found'));
  } catch (e) {
    main.append(errorBox(e));
  }
}


function setNav(path) {
  for (const a of document.querySelectorAll('header nav a')) {
    a.classList.toggle('active', path.startsWith(a.dataset.section));
  }
}

// Theme: light, dark, or auto: the system's (prefers-color-scheme),
// followed as it changes.
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
function applyTheme() {
  const t = localStorage.getItem('stepwise.theme') || 'auto';
  document.documentElement.dataset.theme = t === 'auto' ? (darkQuery.matches ? 'dark' : 'light') : t;
  const b = document.getElementById('theme');
  if (b) b.textContent = { auto: 'Theme: auto', dark: 'Theme: dark', light: 'Theme: light' }[t];
}

function keyDialog(message) {
  const existing = document.getElementById('key-dialog');
  if (existing) existing.remove();
  const input = h('input', { type: 'password', id: 'api-key-input', placeholder: 'API key secret', autocomplete: 'off', value: apiKey() });
  const dlg = h('form', { id: 'key-dialog', class: 'key-dialog', on: {
    submit: (ev) => { ev.preventDefault(); setApiKey(input.value.trim()); dlg.remove(); route(); },
  } },
  h('p', {}, message || 'Enter an API key (its secret). It is kept in this browser only and sent as a bearer token.'),
  input, h('button', { type: 'submit' }, 'Save'),
  h('button', { type: 'button', class: 'secondary', on: { click: () => { setApiKey(''); dlg.remove(); route(); } } }, 'Forget key'),
  h('button', { type: 'button', class: 'secondary', on: { click: () => dlg.remove() } }, 'Close'));
  document.body.append(dlg);
  input.focus();
}

function header() {
  return h('header', { class: 'top' },
    h('a', { href: '#/executions', class: 'brand' }, 'Stepwise'),
    h('nav', {},
      h('a', { href: '#/executions', dataset: { section: '/execution' } }, 'Executions'),
      h('a', { href: '#/express', id: 'nav-express', dataset: { section: '/express' } }, 'Express'),
      h('a', { href: '#/machines', dataset: { section: '/machines' } }, 'State machines')),
    h('div', { class: 'spacer' }),
    h('button', { type: 'button', id: 'key', class: 'secondary', on: { click: () => keyDialog() } }, 'API key'),
    h('button', { type: 'button', id: 'theme', class: 'secondary', on: { click: () => {
      const order = ['auto', 'dark', 'light'];
      const cur = localStorage.getItem('stepwise.theme') || 'auto';
      localStorage.setItem('stepwise.theme', order[(order.indexOf(cur) + 1) % 3]);
      applyTheme();
    } } }, 'Theme'));
}

document.body.prepend(header());
applyTheme();
darkQuery.addEventListener('change', applyTheme);
window.addEventListener('hashchange', route);
window.addEventListener('stepwise-unauthorized', () => keyDialog('The server wants an API key for this. Enter one with the read scope (admin to start, stop, redrive).'));
route();
