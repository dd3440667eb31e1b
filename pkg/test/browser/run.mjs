// `make test-pkg`: serves pkg/ and the test pages from 127.0.0.1, opens them
// in Debian's headless Chromium through playwright-core, and fails on any
// failed check: the browser build of the root entry (page.mjs), then
// `appsflyer-s2s/hash` (hash-page.mjs), whose every result and error over the
// shared vectors, a sample of the phone corpus and odd inputs must equal the
// Node build of the full entry's, and which must fetch nothing of the full
// build. Bounded: 60 s in all.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import random from '../random.cjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pkg = join(root, 'pkg');
const require = createRequire(join(root, 'package.json'));
const { chromium } = require('playwright-core');

const SEED = Number(process.env.S2S_SEED || Date.now() % 1e9);
const full = require(join(pkg, 'index.js'));

const corpus = readFileSync(join(root, 'tests/data/phone_corpus.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const next = random(SEED);
const data = {
  vectors: JSON.parse(readFileSync(join(root, 'tests/data/contract_vectors.json'), 'utf8')),
  phones: Array.from({ length: 300 }, () => corpus[Math.floor(next() * corpus.length)]),
  texts: ['', 'mary', 'Valéry', '日本語', '😀', 'x'.repeat(1000), ...Array.from({ length: 50 }, () =>
    Array.from({ length: Math.floor(next() * 60) }, () => String.fromCodePoint(Math.floor(next() * 0x2fff) + 1)).join(''))],
  hashTexts: [],
  hashPhones: [],
  event: {
    appsflyer_id: '1415211453000-6513894',
    eventName: 'af_purchase',
    eventValue: { af_revenue: '19.99' },
    email: ' John_Smith@Gmail.com ',
    phone_number: '(650) 555-1212',
    first_name: 'Valéry',
  },
};

{
  // Inputs of the hashing entry: the vectors, the corpus sample, odd values.
  const vectors = data.vectors;
  data.hashTexts = [...vectors.filter((v) => !v.raw_field.startsWith('phone')).map((v) => v.input), ...data.texts, ' ', 'no-at', 'ΟΔΥΣΣΕΥΣ', 'İstanbul', 42, null];
  data.hashPhones = [
    ...vectors.filter((v) => v.raw_field.startsWith('phone')).map((v) => [v.input, v.region ?? null]),
    ...data.phones.map((p) => [p.input, p.region ?? null]),
    ['(650) 555-1212', 'ZZ'],
    ['(650) 555-1212', 7],
    ['(650) 555-1212', null],
    [5, 'US'],
  ];
}

/** The Node build of the full entry on the hashing page's inputs, recorded alike. */
function expectedHashResults() {
  const outcome = (fn) => {
    try {
      return { value: fn() };
    } catch (e) {
      return e instanceof full.S2SError ? { error: { code: e.code, errors: e.errors, message: e.message } } : { thrown: String(e) };
    }
  };
  const out = [];
  for (const t of data.hashTexts) {
    for (const name of ['sha256Hex', 'normalizeEmail', 'hashEmail', 'normalizeName', 'hashName']) out.push(outcome(() => full[name](t)));
  }
  for (const [input, region] of data.hashPhones) {
    for (const name of ['toE164', 'phoneDigits', 'hashPhone', 'hashPhoneE164']) out.push(outcome(() => full[name](input, region ?? undefined)));
  }
  return out;
}

const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  let file;
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (url.pathname === '/data.json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(data));
    return;
  } else if (url.pathname.startsWith('/pkg/')) {
    file = normalize(join(pkg, url.pathname.slice(5)));
  } else if (url.pathname.startsWith('/test/')) {
    file = normalize(join(pkg, 'test/browser', url.pathname.slice(6)));
  }
  if (!file || !file.startsWith(pkg)) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const killer = setTimeout(() => {
  console.error('browser test: timed out after 60 s');
  process.exit(1);
}, 60_000);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 30_000,
});
let failed = 0;
try {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(`${origin}/test/index.html`, { timeout: 20_000 });
  await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 30_000 });
  const results = await page.evaluate(() => window.__results);

  // The hashing entry, in a page of its own: what it fetches and what it gives.
  const hashPage = await browser.newPage();
  const fetched = [];
  hashPage.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  hashPage.on('pageerror', (e) => consoleErrors.push(String(e)));
  hashPage.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await hashPage.goto(`${origin}/test/hash.html`, { timeout: 20_000 });
  await hashPage.waitForFunction(() => window.__hash !== undefined, null, { timeout: 30_000 });
  const hash = await hashPage.evaluate(() => window.__hash);
  const check = (name, ok, detail = '') => results.push({ name: `hash: ${name}`, ok: Boolean(ok), detail });
  check('page ran', !hash.failed, hash.failed);
  if (!hash.failed) {
    const want = expectedHashResults();
    check('as many results as the Node build of the full entry', hash.results.length === want.length, `${hash.results.length} vs ${want.length}`);
    let differ = 0;
    want.forEach((w, i) => {
      if (JSON.stringify(hash.results[i]) !== JSON.stringify(w)) {
        differ += 1;
        if (differ <= 5) check(`result ${i} equals the Node full entry's`, false, `${JSON.stringify(hash.results[i])} vs ${JSON.stringify(w)}`);
      }
    });
    check(`all ${want.length} results and errors equal the Node full entry's (${data.hashPhones.length} phones, ${data.hashTexts.length} texts)`, differ === 0, `${differ} differ`);
    check('digests among them', want.filter((w) => typeof w.value === 'string' && /^[0-9a-f]{64}$/.test(w.value)).length > 500);
    check('refusals among them', want.filter((w) => w.error).length > 50);
    check('exports exactly the hashing API', JSON.stringify(hash.api) === JSON.stringify(['S2SError', 'default', 'hashEmail', 'hashName', 'hashPhone', 'hashPhoneE164', 'init', 'initSync', 'normalizeEmail', 'normalizeName', 'phoneDigits', 'sha256Hex', 'toE164']), hash.api.join());
    check('init twice and initSync give one instance', hash.initTwice);
  }
  const pkgFiles = fetched.filter((f) => f.startsWith('/pkg/')).sort();
  check('fetches the hashing module and .wasm only', JSON.stringify(pkgFiles) === JSON.stringify(['/pkg/web/appsflyer_s2s_hash_bg.wasm', '/pkg/web/hash.mjs']), pkgFiles.join());

  for (const r of results.filter((r) => !r.ok)) console.error(`FAIL ${r.name} ${r.detail}`);
  for (const e of consoleErrors) console.error(`console: ${e}`);
  const passed = results.filter((r) => r.ok).length;
  failed = results.length - passed + consoleErrors.length;
  console.log(`browser test (Chromium ${browser.version()}, seed ${SEED}): ${passed} of ${results.length} checks passed, ${consoleErrors.length} console errors`);
} finally {
  await browser.close();
  server.close();
  clearTimeout(killer);
}
process.exit(failed === 0 ? 0 : 1);
