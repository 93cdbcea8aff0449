// Builds the viewer into dist/: src/main.js and its imports (with elkjs)
// bundled and minified by esbuild into app.js and app.css, and the page
// that loads them, index.html. With --check it builds into a temporary directory and
// fails when dist/ differs, so CI can tell a stale build.
import { build } from 'esbuild';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');
const out = check ? mkdtempSync(join(tmpdir(), 'viewer-')) : join(here, 'dist');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['es2022'],
  outfile: join(out, 'app.js'),
  legalComments: 'eof',
  logLevel: 'warning',
});
// The page has no inline script or style: the Content-Security-Policy
// allows neither.
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stepwise</title>
<link rel="stylesheet" href="app.css">
<script type="module" src="app.js"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`;
writeFileSync(join(out, 'index.html'), page.split('\n').join('') + '\n');

if (check) {
  const dist = join(here, 'dist');
  const stale = readdirSync(out).filter((f) => {
    try { return !readFileSync(join(out, f)).equals(readFileSync(join(dist, f))); } catch { return true; }
  });
  rmSync(out, { recursive: true, force: true });
  if (stale.length) {
    console.error(`web/viewer/ui/dist is stale (${stale.join(', ')}): run npm run build in web/viewer/ui`);
    process.exit(1);
  }
  console.log('web/viewer/ui/dist is up to date');
}
