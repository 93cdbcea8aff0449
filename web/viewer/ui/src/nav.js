// The URL hash is the app's state: a path and query parameters.

export function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/executions';
  const [path, query] = raw.split('?');
  return { path, params: new URLSearchParams(query || '') };
}

// navigate changes the hash; with replace it adds no history entry (for
// state that a page keeps in the URL, like the selected state) and does
// not reload the page.
export function navigate(path, params, { replace = false } = {}) {
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString() : '';
  const hash = `#${path}${q ? `?${q}` : ''}`;
  if (replace) history.replaceState(null, '', hash);
  else location.hash = hash;
}
