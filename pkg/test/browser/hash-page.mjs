// `appsflyer-s2s/hash` in a real Chromium (the module the package exports for
// browsers, web/hash.mjs): every helper over the inputs run.mjs sends, each
// result or error recorded as it comes, for run.mjs to compare with the Node
// build of the full entry. Results go to window.__hash.
import init, * as hash from '/pkg/web/hash.mjs';

function outcome(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return e instanceof hash.S2SError && e instanceof Error && e.name === 'S2SError'
      ? { error: { code: e.code, errors: e.errors, message: e.message } }
      : { thrown: String(e) };
  }
}

async function run() {
  const exports = await init();
  const data = await (await fetch('/data.json')).json();
  const results = [];
  for (const t of data.hashTexts) {
    for (const name of ['sha256Hex', 'normalizeEmail', 'hashEmail', 'normalizeName', 'hashName']) {
      results.push(outcome(() => hash[name](t)));
    }
  }
  for (const [input, region] of data.hashPhones) {
    for (const name of ['toE164', 'phoneDigits', 'hashPhone', 'hashPhoneE164']) {
      results.push(outcome(() => hash[name](input, region ?? undefined)));
    }
  }
  return {
    results,
    api: Object.keys(hash).sort(),
    initTwice: (await init()) === exports && hash.initSync() === exports,
  };
}

run().then(
  (r) => (window.__hash = r),
  (e) => (window.__hash = { failed: String((e && e.stack) || e) }),
);
