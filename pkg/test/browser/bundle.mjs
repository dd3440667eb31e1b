// The bundler check of `make test-pkg` (run by npm-pack-test.sh in the folder
// where the packed tarball is installed): esbuild bundles a page that does
//
//   import init, { hashEmail } from 'appsflyer-s2s/hash';
//
// for browsers; the bundle must hold the hashing entry and reference the
// hashing .wasm only, nothing of the full build. Then the page runs in
// headless Chromium with the .wasm deployed next to the bundle, as a site
// would serve it, and must give the published digest.
//
//   node pkg/test/browser/bundle.mjs <folder with node_modules/appsflyer-s2s>
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launchChromium, root, serve } from './chromium.mjs';

const app = process.argv[2];
const esbuild = createRequire(join(root, 'package.json'))('esbuild');
const dir = join(app, 'bundle');
mkdirSync(join(dir, 'out'), { recursive: true });
writeFileSync(
  join(dir, 'page.mjs'),
  `import init, { hashEmail } from 'appsflyer-s2s/hash';
await init();
window.__digest = hashEmail(' John_Smith@Gmail.com ');
`,
);
const result = await esbuild.build({
  absWorkingDir: app,
  entryPoints: [join(dir, 'page.mjs')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  outdir: join(dir, 'out'),
  metafile: true,
  logLevel: 'warning',
});

const inputs = Object.keys(result.metafile.inputs);
const code = readFileSync(join(dir, 'out', 'page.js'), 'utf8');
assert.ok(inputs.some((f) => f.endsWith('node_modules/appsflyer-s2s/web/hash.mjs')), `the hashing entry is not in the bundle: ${inputs}`);
assert.deepEqual(inputs.filter((f) => /appsflyer_s2s_wasm|lib\/api\.mjs|\.wasm$/.test(f)), [], 'the bundle holds part of the full build');
assert.ok(code.includes('"appsflyer_s2s_hash_bg.wasm"'), 'the bundle does not reference the hashing .wasm');
assert.ok(!code.includes('appsflyer_s2s_wasm_bg.wasm'), 'the bundle references the full .wasm');
assert.ok(!/buildEvent|prepareRequest|S2SClient/.test(code), 'the bundle holds the full API');

// Deployed as a site would: the bundle, and the .wasm it references next to it.
copyFileSync(join(app, 'node_modules/appsflyer-s2s/web/appsflyer_s2s_hash_bg.wasm'), join(dir, 'out', 'appsflyer_s2s_hash_bg.wasm'));
writeFileSync(join(dir, 'out', 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./page.js"></script>');
const server = await serve((path) => (/^\/[\w.]+$/.test(path) ? join(dir, 'out', path.slice(1)) : undefined));
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.origin}/index.html`, { timeout: 20_000 });
  await page.waitForFunction(() => window.__digest !== undefined, null, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => window.__digest), '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f');
  assert.deepEqual(errors, []);
  assert.deepEqual(fetched.sort(), ['/appsflyer_s2s_hash_bg.wasm', '/index.html', '/page.js']);
} finally {
  await browser.close();
  await server.close();
}
console.log(
  `bundle: esbuild page from 'appsflyer-s2s/hash': ${code.length} bytes of JS referencing the hashing .wasm only; ` +
    `in Chromium it fetched ${['index.html', 'page.js', 'appsflyer_s2s_hash_bg.wasm'].join(', ')} and gave the published email digest`,
);
