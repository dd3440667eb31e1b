// `make bench-crossing`: how should an event cross from JavaScript into the
// wasm core? Measures, on the same events in one run, the package's way
// (`JSON.stringify` in JS, serde_json in wasm: `buildEvent`) against reading
// the object with serde-wasm-bindgen (`buildEventFromObject`, only in the
// probe build of bindings/wasm with the `crossing-probe` feature), checks both
// give the same body, and prints events/s and the ratio.
//
//   node pkg/test/crossing-bench.mjs <probe module .js> [seconds, default 4]
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { typical } from './events.mjs';

const require = createRequire(import.meta.url);
const probe = require(resolve(process.argv[2] ?? 'target/crossing-probe/pkg/appsflyer_s2s_wasm.js'));
const seconds = Number(process.argv[3] ?? 4);

/** The typical event of the other benchmarks, with eventTime already a string. */
const typicalText = (i) => ({ ...typical(i), eventTime: typical(i).eventTime.toISOString() });

const events = Array.from({ length: 1000 }, (_, i) => typicalText(i));
const ways = {
  'JSON text (JSON.stringify + serde_json)': (e) => probe.buildEvent(JSON.stringify(e), 'US'),
  'object (serde-wasm-bindgen)': (e) => probe.buildEventFromObject(e, 'US'),
};

for (const e of events.slice(0, 50)) {
  const [a, b] = Object.values(ways).map((way) => way(e).body);
  if (a !== b) throw new Error(`the two ways built different bodies:\n${a}\n${b}`);
}

/** Events per second of one way over about `ms` milliseconds. */
function rate(way, ms) {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (const e of events) way(e);
    n += events.length;
  }
  return (n * 1000) / (performance.now() - start);
}

for (const way of Object.values(ways)) rate(way, 300); // warm up
const rounds = 10;
const results = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, way] of Object.entries(ways)) {
    results[name].push(rate(way, (seconds * 1000) / rounds / 2));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [jsonName, objectName] = Object.keys(ways);
for (const name of Object.keys(ways)) {
  console.log(`${name}: ${Math.round(median(results[name])).toLocaleString('en-US')} events/s`);
}
const ratio = median(results[objectName]) / median(results[jsonName]);
console.log(`crossing: object / JSON text = ${ratio.toFixed(2)}x (median of ${rounds} alternating rounds; same bodies)`);
