// `make test-pkg`: serves pkg/ and the test page from 127.0.0.1, opens it in
// Debian's headless Chromium through playwright-core, and fails on any failed
// check (see page.mjs). Bounded: 60 s in all.
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

const corpus = readFileSync(join(root, 'tests/data/phone_corpus.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const next = random(SEED);
const data = {
  vectors: JSON.parse(readFileSync(join(root, 'tests/data/contract_vectors.json'), 'utf8')),
  phones: Array.from({ length: 300 }, () => corpus[Math.floor(next() * corpus.length)]),
  texts: ['', 'mary', 'Valéry', '日本語', '😀', 'x'.repeat(1000), ...Array.from({ length: 50 }, () =>
    Array.from({ length: Math.floor(next() * 60) }, () => String.fromCodePoint(Math.floor(next() * 0x2fff) + 1)).join(''))],
  event: {
    appsflyer_id: '1415211453000-6513894',
    eventName: 'af_purchase',
    eventValue: { af_revenue: '19.99' },
    email: ' John_Smith@Gmail.com ',
    phone_number: '(650) 555-1212',
    first_name: 'Valéry',
  },
};

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
