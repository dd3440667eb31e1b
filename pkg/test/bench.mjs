// `make bench-pkg`: events per second of buildEvent (the Rust core in
// WebAssembly) against a pure-JS pipeline doing the same work on the same
// events in the same run (node:crypto SHA-256, libphonenumber-js,
// String.prototype.normalize/toLowerCase, JSON.stringify), their ratio, and
// the gzip size of the shipped .wasm files. Rates are events per second of
// this process's CPU time (user + system), so that other processes on a
// shared machine slow neither side; rounds alternate all the same.
//
// With S2S_BASELINE_PKG=<another built pkg/ folder> it also runs that
// build's buildEvent in the same rounds and prints this one's speed relative
// to it (how a change moved buildEvent, measured side by side).
//
//   node pkg/test/bench.mjs [seconds in all, default 4]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { typical } from './events.mjs';

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL('.', import.meta.url));
const { buildEvent, sha256Hex, normalizeEmail, toE164, normalizeName } = require('../index.js');
const { parsePhoneNumberFromString } = require(require.resolve('libphonenumber-js', { paths: [here, process.cwd()] }));

const seconds = Number(process.argv[2] ?? 4);
const baseline = process.env.S2S_BASELINE_PKG ? require(process.env.S2S_BASELINE_PKG) : null;


const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');
const pad = (n, w = 2) => String(n).padStart(w, '0');
const APPSFLYER_ID = /^\d{13}-\d+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** The pure-JS pipeline: validate, normalize, hash, convert, serialize. */
function pureJs(input, region) {
  if (!APPSFLYER_ID.test(input.appsflyer_id)) throw new Error('appsflyer_id');
  if (!input.eventName) throw new Error('eventName');
  if (!IPV4.test(input.ip)) throw new Error('ip');
  const currency = input.eventCurrency.toUpperCase();
  if (!CURRENCY.test(currency)) throw new Error('eventCurrency');
  const value = input.eventValue;
  if (!/^-?\d+(\.\d+)?$/.test(String(value.af_revenue))) throw new Error('af_revenue');
  const t = input.eventTime instanceof Date ? input.eventTime : new Date(input.eventTime);
  const eventTime = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}`;
  const email = input.email.trim().toLowerCase();
  if (!email.includes('@')) throw new Error('email');
  const phone = parsePhoneNumberFromString(input.phone_number, region);
  if (!phone || !phone.isPossible()) throw new Error('phone_number');
  const name = (n) => n.normalize('NFC').trim().toLowerCase();
  const body = JSON.stringify({
    appsflyer_id: input.appsflyer_id,
    eventName: input.eventName,
    eventValue: JSON.stringify(value),
    eventCurrency: currency,
    eventTime,
    ip: input.ip,
    email_hashed: sha256(email),
    phone_number_hashed: sha256(phone.number.slice(1)),
    phone_number_e164_hashed: sha256(phone.number),
    first_name_hashed: sha256(name(input.first_name)),
    last_name_hashed: sha256(name(input.last_name)),
    bundleIdentifier: input.bundleIdentifier,
    os: input.os,
  });
  if (Buffer.byteLength(body) > 1024) throw new Error('too large');
  return body;
}

const events = Array.from({ length: 1000 }, (_, i) => typical(i));
const options = { defaultRegion: 'US' };

// Both pipelines must produce the same digests for the same event.
{
  const wasm = JSON.parse(buildEvent(events[7], options).body);
  const js = JSON.parse(pureJs(events[7], 'US'));
  for (const k of Object.keys(js)) {
    if (k !== 'eventValue' && wasm[k] !== js[k]) throw new Error(`bench pipelines disagree on ${k}`);
  }
}

/** Events per second of CPU time of `fn`, over about `ms` milliseconds. */
function rate(fn, ms) {
  let sink = 0;
  let n = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 200; i++) sink += fn(events[(n + i) % events.length]).length;
    n += 200;
  }
  const used = process.cpuUsage(cpu);
  if (sink === 0) throw new Error('nothing built');
  return n / ((used.user + used.system) / 1e6);
}

const wasmBuild = (e) => buildEvent(e, options).body;
const jsBuild = (e) => pureJs(e, 'US');
// Warm both up, then alternate short rounds so that load from other processes
// hits both pipelines alike; report the median round of each.
rate(wasmBuild, 300);
rate(jsBuild, 300);
const baselineBuild = baseline && ((e) => baseline.buildEvent(e, options).body);
if (baseline) {
  if (baselineBuild(events[7]) !== wasmBuild(events[7])) throw new Error('the baseline build gives another body');
  rate(baselineBuild, 300);
}
const rounds = 10;
const wasmRates = [];
const jsRates = [];
const baselineRates = [];
for (let r = 0; r < rounds; r++) {
  wasmRates.push(rate(wasmBuild, (seconds * 1000) / rounds / 2));
  jsRates.push(rate(jsBuild, (seconds * 1000) / rounds / 2));
  if (baseline) baselineRates.push(rate(baselineBuild, (seconds * 1000) / rounds / 2));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratios = wasmRates.map((w, i) => w / jsRates[i]);
const show = (label, r) => console.log(`${label}: ${Math.round(r).toLocaleString('en-US')} events/s (${(1e6 / r).toFixed(2)} µs/event)`);
show('buildEvent (Rust core in WebAssembly)', median(wasmRates));
show('pure-JS pipeline (node:crypto, libphonenumber-js, JSON.stringify)', median(jsRates));
console.log(`ratio buildEvent / pure JS: ${median(ratios).toFixed(2)}x median of ${rounds} alternating rounds (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; must stay above 1)`);
if (baseline) {
  const vs = wasmRates.map((w, i) => w / baselineRates[i]);
  show(`buildEvent of the baseline ${process.env.S2S_BASELINE_PKG}`, median(baselineRates));
  console.log(`ratio buildEvent / baseline buildEvent: ${median(vs).toFixed(3)}x median of ${rounds} rounds (range ${Math.min(...vs).toFixed(3)}–${Math.max(...vs).toFixed(3)})`);
}

// Where an event's time goes, in this run: the parts every way of building
// it in wasm must pay, whatever the rest of the core does. Crossing in: the object as JSON text (what buildEvent
// does; serde-wasm-bindgen measured slower, `make bench-crossing`). Hashing:
// the event's five digests, each through `sha256Hex` less the cost of a
// string call that does almost nothing (`normalizeEmail` of a short address),
// so only the digest is counted. E.164: one `toE164`, the same way. Names:
// two `normalizeName` calls. Numbers are microseconds per event, each the
// median of 5 runs of 200 ms.
{
  const sample = events.map((e) => ({
    json: e,
    digests: [
      normalizeEmail(e.email),
      toE164(e.phone_number, 'US').slice(1),
      toE164(e.phone_number, 'US'),
      normalizeName(e.first_name),
      normalizeName(e.last_name),
    ],
  }));
  const perEvent = (fn) => {
    const runs = [];
    for (let r = 0; r < 5; r++) runs.push(1e6 / rate((e) => fn(e) ?? '', 200));
    return median(runs);
  };
  let k = 0;
  const next = () => sample[k++ % sample.length];
  const call = perEvent(() => normalizeEmail('a@b.co'));
  const parts = {
    'JSON.stringify of the input': perEvent(() => JSON.stringify(next().json)),
    'five SHA-256 digests in wasm': perEvent(() => next().digests.map(sha256Hex).join('')) - 5 * call,
    'one E.164 parse in wasm': perEvent((e) => toE164(e.phone_number, 'US')) - call,
    'two names normalized in wasm': perEvent((e) => normalizeName(e.first_name) + normalizeName(e.last_name)) - 2 * call,
  };
  const floor = Object.values(parts).reduce((a, b) => a + b, 0);
  for (const [label, us] of Object.entries(parts)) console.log(`  part: ${label}: ${us.toFixed(2)} µs`);
  console.log(
    `parts every wasm build of the event pays: ${floor.toFixed(2)} µs of the ` +
      `${(1e6 / median(wasmRates)).toFixed(2)} µs buildEvent takes as a whole (a string call costs ${call.toFixed(2)} µs)`,
  );
}

for (const file of ['appsflyer_s2s_wasm_bg.wasm', 'appsflyer_s2s_hash_bg.wasm']) {
  const wasm = readFileSync(new URL(`../web/${file}`, import.meta.url));
  console.log(`pkg/web/${file}: ${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} bytes with zlib level 9 (GNU gzip -9: see make pkg)`);
}
