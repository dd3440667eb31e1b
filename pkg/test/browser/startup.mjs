// `make bench-hash-startup`: time from `import` to the first digest in
// headless Chromium, wasm compile included, for `appsflyer-s2s/hash` against
// what a web developer would use instead, libphonenumber-js (its smallest
// bundle, `libphonenumber-js/min`) with WebCrypto, doing the same: parse
// `(650) 555-1212` in the US and hash its E.164 form. Both are bundled and
// minified by esbuild as a site would ship them; each round loads each page in
// a fresh browser context (no HTTP or code cache), in alternating order, and
// the page times `await import(bundle)` to the digest with performance.now().
// Prints the median and range of each, their ratio, and what each downloads.
//
//   node pkg/test/browser/startup.mjs [rounds, default 25]
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium, root, serve } from './chromium.mjs';

const rounds = Number(process.argv[2] ?? 25);
const esbuild = createRequire(join(root, 'package.json'))('esbuild');
const dir = mkdtempSync(join(tmpdir(), 's2s-startup-'));
const out = join(dir, 'site');
mkdirSync(out);
// The package as installed, and libphonenumber-js from the repository's devDependencies.
mkdirSync(join(dir, 'node_modules'));
symlinkSync(join(root, 'pkg'), join(dir, 'node_modules', 'appsflyer-s2s'));
symlinkSync(join(root, 'node_modules', 'libphonenumber-js'), join(dir, 'node_modules', 'libphonenumber-js'));

const PHONE = '(650) 555-1212';
const entries = {
  s2s: `import init, { hashPhoneE164 } from 'appsflyer-s2s/hash';
export async function firstDigest() {
  await init();
  return hashPhoneE164(${JSON.stringify(PHONE)}, 'US');
}`,
  libphonenumber: `import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
export async function firstDigest() {
  const number = parsePhoneNumberFromString(${JSON.stringify(PHONE)}, 'US');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(number.number));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}`,
};
for (const [name, source] of Object.entries(entries)) writeFileSync(join(dir, `${name}.mjs`), source);
await esbuild.build({
  absWorkingDir: dir,
  entryPoints: Object.keys(entries).map((name) => join(dir, `${name}.mjs`)),
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  outdir: out,
  logLevel: 'warning',
});
copyFileSync(join(root, 'pkg/web/appsflyer_s2s_hash_bg.wasm'), join(out, 'appsflyer_s2s_hash_bg.wasm'));
writeFileSync(
  join(out, 'page.html'),
  `<!doctype html><meta charset="utf-8"><script type="module">
const which = new URLSearchParams(location.search).get('which');
const start = performance.now();
const { firstDigest } = await import('./' + which + '.js');
const digest = await firstDigest();
window.__result = { ms: performance.now() - start, digest };
</script>`,
);

const gz = (file) => gzipSync(readFileSync(join(out, file)), { level: 9 }).length;
const downloads = {
  s2s: ['s2s.js', 'appsflyer_s2s_hash_bg.wasm'],
  libphonenumber: ['libphonenumber.js'],
};

const server = await serve((path) => (/^\/[\w.]+$/.test(path) ? join(out, path.slice(1)) : undefined));
const browser = await launchChromium();
const times = { s2s: [], libphonenumber: [] };
try {
  async function once(which) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/page.html?which=${which}`, { timeout: 20_000 });
      await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20_000 });
      return await page.evaluate(() => window.__result);
    } finally {
      await context.close();
    }
  }
  // One warm-up of each (the browser process itself), then alternating rounds.
  const a = await once('s2s');
  const b = await once('libphonenumber');
  assert.equal(a.digest, b.digest, 'the two pages disagree on the digest');
  for (let r = 0; r < rounds; r++) {
    for (const which of r % 2 ? ['libphonenumber', 's2s'] : ['s2s', 'libphonenumber']) {
      times[which].push((await once(which)).ms);
    }
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const show = (label, which) => {
    const files = downloads[which].map((f) => `${f} ${gz(f).toLocaleString('en-US')}`).join(' + ');
    console.log(
      `${label}: ${median(times[which]).toFixed(1)} ms median (range ${Math.min(...times[which]).toFixed(1)}–${Math.max(...times[which]).toFixed(1)}); ` +
        `downloads ${downloads[which].reduce((n, f) => n + gz(f), 0).toLocaleString('en-US')} bytes gzip -9 (${files})`,
    );
  };
  console.log(`import to first digest in Chromium ${browser.version()}, ${rounds} alternating rounds, fresh context each (digest ${a.digest.slice(0, 12)}…, the same from both):`);
  show('appsflyer-s2s/hash (init: fetch + compile the .wasm)', 's2s');
  show('libphonenumber-js/min + WebCrypto', 'libphonenumber');
  const ratios = times.s2s.map((t, i) => t / times.libphonenumber[i]);
  console.log(`ratio appsflyer-s2s/hash / libphonenumber-js: ${median(ratios).toFixed(2)} median of the rounds (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
