// What the package's Chromium scripts share: Debian's headless Chromium
// through playwright-core, and a static server on 127.0.0.1.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const { chromium } = require('playwright-core');

const TYPES = {
  '.html': 'text/html',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30_000,
  });
}

/**
 * Serves files from 127.0.0.1: `resolve(pathname)` gives the file to send,
 * a `{ type, body }` to send as is, or nothing for a 404. Resolves with
 * `{ origin, close }`.
 */
export async function serve(resolve) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const found = await resolve(pathname);
    try {
      if (typeof found === 'string') {
        const body = await readFile(found);
        res.writeHead(200, { 'content-type': TYPES[extname(found)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      } else if (found) {
        res.writeHead(200, { 'content-type': found.type, 'cache-control': 'no-store' });
        res.end(found.body);
      } else {
        res.writeHead(404).end();
      }
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
