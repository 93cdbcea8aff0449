// The REST API with the user's API key (kept in localStorage) as a bearer
// token; errors carry the server's code and message.

const KEY = 'stepwise.apiKey';

export function apiKey() { return localStorage.getItem(KEY) || ''; }
export function setApiKey(k) { if (k) localStorage.setItem(KEY, k); else localStorage.removeItem(KEY); }

export class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

function headers(extra) {
  const hd = { Accept: 'application/json', ...extra };
  const k = apiKey();
  if (k) hd.Authorization = `Bearer ${k}`;
  return hd;
}

export async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const resp = await fetch(path, init);
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!resp.ok) {
    const e = data && data.error ? data.error : { code: String(resp.status), message: text || resp.statusText };
    const err = new APIError(resp.status, e.code, e.message);
    if (resp.status === 401) window.dispatchEvent(new CustomEvent('stepwise-unauthorized'));
    throw err;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

// execPath is an execution's API path; the ARN goes in the query.
export function execPath(arn, suffix = '', params = {}) {
  return `/v1/executions/-${suffix}${qs({ arn, ...params })}`;
}

// stream reads Server-Sent Events with fetch, so the bearer token goes in
// a header (EventSource cannot send one). It calls onEvent(type, data) and
// reconnects after a pause until the returned function is called.
export function stream(path, onEvent) {
  let stopped = false;
  let ctrl = null;
  async function run() {
    while (!stopped) {
      ctrl = new AbortController();
      try {
        const resp = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal: ctrl.signal });
        if (!resp.ok || !resp.body) throw new Error(`stream: ${resp.status}`);
        const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let type = 'message';
            const data = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) type = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trim());
            }
            if (data.length) {
              try { onEvent(type, JSON.parse(data.join('\n'))); } catch { /* ignore a bad event */ }
            }
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  run();
  return () => { stopped = true; ctrl?.abort(); };
}
