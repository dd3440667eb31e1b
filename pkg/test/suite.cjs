'use strict';
// The node:test suite of the npm package, run against the package installed
// from `npm pack` (pkg/test/npm-pack-test.sh), once through `require`
// (cjs.test.cjs) and once through `import` (esm.test.mjs); its hashing part
// also against `appsflyer-s2s/hash` (hash.test.cjs, hash.test.mjs).
//
// S2S_REPO points at the repository, for the core's data files and the
// reference libphonenumber-js; S2S_SEED fixes the random samples (printed).

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const util = require('node:util');

const REPO = process.env.S2S_REPO || path.resolve(__dirname, '../..');
const { parsePhoneNumberFromString } = require(require.resolve('libphonenumber-js', { paths: [REPO] }));
const SEED = Number(process.env.S2S_SEED || Date.now() % 1e9);

const sha256 = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

const random = require('./random.cjs');

const VECTORS = JSON.parse(fs.readFileSync(path.join(REPO, 'tests/data/contract_vectors.json'), 'utf8'));
const CORPUS = fs
  .readFileSync(path.join(REPO, 'tests/data/phone_corpus.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

const EVENT = Object.freeze({
  appsflyer_id: '1415211453000-6513894',
  eventName: 'af_purchase',
  eventValue: { af_revenue: '19.99', af_content_id: 'sku-1' },
  eventCurrency: 'usd',
  eventTime: '2024-05-15T14:17:01.123+02:00',
  email: ' John_Smith@Gmail.com ',
  phone_number: '(650) 555-1212',
  first_name: 'Valéry',
  last_name: 'Smith',
});

/** Asserts `fn` throws an S2SError whose errors include `code` (at `field`, if given). */
function throwsS2S(api, fn, code, field) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof api.S2SError, `expected an S2SError, got ${caught}`);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, 'S2SError');
  assert.ok(Array.isArray(caught.errors) && caught.errors.length > 0);
  for (const e of caught.errors) {
    assert.deepEqual(Object.keys(e).sort(), ['code', 'field', 'message']);
    for (const v of Object.values(e)) assert.equal(typeof v, 'string');
  }
  assert.equal(caught.code, caught.errors[0].code);
  const match = caught.errors.find((e) => e.code === code && (field === undefined || e.field === field));
  assert.ok(match, `no ${code}${field ? ` at ${field}` : ''} in ${JSON.stringify(caught.errors)}`);
  return caught;
}

/** A local fake AppsFlyer: answers requests with the scripted handlers, in order. */
async function fakeAppsFlyer(handlers) {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const handler = handlers[Math.min(requests.length, handlers.length) - 1];
      handler(res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(resolve);
      }),
  };
}

const answer = (status, body = '', headers = {}) => (res) => {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(body);
};
const hang = () => () => {};

/**
 * The PII helpers and S2SError: run against the root entry and against
 * `appsflyer-s2s/hash` (hash.test.cjs, hash.test.mjs).
 */
function hashingSuite(api, label) {
  test(`${label}: sha256Hex agrees with node:crypto (seed ${SEED})`, () => {
    const next = random(SEED);
    const samples = ['', 'a', 'mary', 'Valéry', '日本語', '😀', 'x'.repeat(1000)];
    for (let i = 0; i < 300; i++) {
      const n = Math.floor(next() * 80);
      samples.push(Array.from({ length: n }, () => String.fromCodePoint(Math.floor(next() * 0x2fff) + 1)).join(''));
    }
    for (const s of samples) assert.equal(api.sha256Hex(s), sha256(s));
  });

  test(`${label}: the contract's published vectors`, () => {
    for (const v of VECTORS) {
      const region = v.region ?? undefined;
      const normalized = {
        email: () => api.normalizeEmail(v.input),
        first_name: () => api.normalizeName(v.input),
        phone_number: () =>
          v.field === 'phone_number_hashed' ? api.phoneDigits(v.input, region) : api.toE164(v.input, region),
      }[v.raw_field]();
      assert.equal(normalized, v.normalized, v.field);
      assert.equal(sha256(normalized), v.sha256);
      const hashed = {
        email_hashed: () => api.hashEmail(v.input),
        first_name_hashed: () => api.hashName(v.input),
        phone_number_hashed: () => api.hashPhone(v.input, region),
        phone_number_e164_hashed: () => api.hashPhoneE164(v.input, region),
      }[v.field]();
      assert.equal(hashed, v.sha256, v.field);
    }
  });

  test(`${label}: email and name normalization`, () => {
    assert.equal(api.normalizeEmail('  Mixed.Case+Tag@Example.COM\t'), 'mixed.case+tag@example.com');
    assert.equal(api.hashEmail(' John_Smith@gmail.com '), sha256('john_smith@gmail.com'));
    // NFD input composes to the same name as NFC.
    assert.equal(api.normalizeName(' Vale\u0301ry '), 'val\u00e9ry');
    assert.equal(api.hashName('VALÉRY'), sha256('valéry'));
    throwsS2S(api, () => api.normalizeEmail('no-at-sign'), 'invalid_email', 'email');
    throwsS2S(api, () => api.hashEmail('   '), 'invalid_email', 'email');
    throwsS2S(api, () => api.normalizeName(' '), 'invalid_name', 'name');
  });

  test(`${label}: toE164 and the phone digests agree with libphonenumber-js (seed ${SEED})`, () => {
    const next = random(SEED ^ 0x5eed);
    let possible = 0;
    for (let i = 0; i < 600; i++) {
      const c = CORPUS[Math.floor(next() * CORPUS.length)];
      const region = c.region ?? undefined;
      // libphonenumber-js leaks RegExp state between `;phone-context=` parses;
      // reset it first, as scripts/gen-phone-corpus.mjs does.
      parsePhoneNumberFromString('tel:1;phone-context=+');
      const parsed = parsePhoneNumberFromString(c.input, region);
      const expected = parsed && parsed.isPossible() ? parsed.number : null;
      const where = `${JSON.stringify(c.input)} in ${c.region}`;
      assert.equal(expected, c.e164, `the corpus disagrees with libphonenumber-js on ${where}`);
      if (expected === null) {
        throwsS2S(api, () => api.toE164(c.input, region), 'invalid_phone', 'phone');
        continue;
      }
      possible += 1;
      assert.equal(api.toE164(c.input, region), expected, where);
      assert.equal(api.phoneDigits(c.input, region), expected.slice(1), where);
      assert.equal(api.hashPhoneE164(c.input, region), sha256(expected), where);
      assert.equal(api.hashPhone(c.input, region), sha256(expected.slice(1)), where);
    }
    assert.ok(possible > 100, `only ${possible} possible numbers sampled`);
  });

  test(`${label}: phone errors name the argument`, () => {
    throwsS2S(api, () => api.toE164('(650) 555-1212'), 'invalid_phone', 'phone');
    throwsS2S(api, () => api.toE164('(650) 555-1212', 'ZZ'), 'invalid_region', 'defaultRegion');
    throwsS2S(api, () => api.toE164('(650) 555-1212', null), 'invalid_phone', 'phone');
    assert.equal(api.toE164('+1 650 555 1212', null), '+16505551212');
  });

  test(`${label}: arguments of the wrong type are S2SErrors, never hashed as text`, () => {
    throwsS2S(api, () => api.sha256Hex(undefined), 'wrong_type', 'text');
    throwsS2S(api, () => api.hashEmail(42), 'wrong_type', 'email');
    throwsS2S(api, () => api.normalizeName(null), 'wrong_type', 'name');
    throwsS2S(api, () => api.hashPhone('+16505551212', 1), 'wrong_type', 'defaultRegion');
    throwsS2S(api, () => api.toE164({}), 'wrong_type', 'phone');
  });

  test(`${label}: S2SError is a real Error with a stable code`, () => {
    const e = new api.S2SError([{ field: 'x', code: 'invalid_ip', message: 'm' }]);
    assert.ok(e instanceof Error && e instanceof api.S2SError);
    assert.equal(e.code, 'invalid_ip');
    assert.equal(e.message, 'm [invalid_ip]');
    assert.ok(typeof e.stack === 'string');
    assert.throws(() => new api.S2SError([]), TypeError);
  });

}

function suite(api, label) {
  test(`${label}: exports the whole API`, () => {
    for (const name of [
      'sha256Hex', 'normalizeEmail', 'hashEmail', 'normalizeName', 'hashName', 'toE164',
      'phoneDigits', 'hashPhone', 'hashPhoneE164', 'buildEvent', 'validateEvent',
      'prepareRequest', 'classifyResponse', 'S2SClient', 'S2SError',
    ]) {
      assert.equal(typeof api[name], 'function', name);
    }
  });

  hashingSuite(api, label);

  test(`${label}: event arguments of the wrong type are S2SErrors`, () => {
    throwsS2S(api, () => api.buildEvent(EVENT, 'US'), 'wrong_type', 'options');
    throwsS2S(api, () => api.classifyResponse('200', 'OK'), 'wrong_type', 'status');
  });

  test(`${label}: buildEvent gives the exact body, hashed, without raw PII`, () => {
    const built = api.buildEvent(EVENT, { defaultRegion: 'US' });
    assert.deepEqual(Object.keys(built).sort(), ['body', 'bytes', 'warnings']);
    assert.equal(built.bytes, Buffer.byteLength(built.body));
    const body = JSON.parse(built.body);
    assert.equal(body.eventValue, JSON.stringify({ af_content_id: 'sku-1', af_revenue: '19.99' }));
    assert.equal(body.eventCurrency, 'USD');
    assert.equal(body.eventTime, '2024-05-15 12:17:01.123');
    assert.equal(body.email_hashed, sha256('john_smith@gmail.com'));
    assert.equal(body.phone_number_hashed, sha256('16505551212'));
    assert.equal(body.phone_number_e164_hashed, sha256('+16505551212'));
    assert.equal(body.first_name_hashed, sha256('valéry'));
    assert.equal(body.last_name_hashed, sha256('smith'));
    for (const raw of ['Smith', 'John', '555-1212', '(650)', 'Valéry', 'valéry']) assert.ok(!built.body.includes(raw), raw);
    assert.deepEqual(built.warnings.map((w) => w.code).sort(), ['currency_uppercased', 'event_time_converted']);
  });

  test(`${label}: eventTime as a Date, epoch milliseconds or text`, () => {
    const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    for (const eventTime of [new Date(at), at, '2024-01-02T03:04:05.678Z', '2024-01-02 03:04:05.678']) {
      const body = JSON.parse(api.buildEvent({ ...EVENT, eventTime }, { defaultRegion: 'US' }).body);
      assert.equal(body.eventTime, '2024-01-02 03:04:05.678', String(eventTime));
    }
    // A Date is an exact instant: sent in AppsFlyer's form without a conversion warning.
    const fromDate = api.buildEvent({ ...EVENT, eventCurrency: 'USD', eventTime: new Date(at) }, { defaultRegion: 'US' });
    assert.deepEqual(fromDate.warnings, []);
    throwsS2S(api, () => api.buildEvent({ ...EVENT, eventTime: new Date(NaN) }, { defaultRegion: 'US' }), 'invalid_event_time', 'eventTime');
    throwsS2S(api, () => api.buildEvent({ ...EVENT, eventTime: new Date(Date.UTC(12000, 0, 1)) }, { defaultRegion: 'US' }), 'invalid_event_time', 'eventTime');
    throwsS2S(api, () => api.buildEvent({ ...EVENT, eventTime: '2024-01-02T03:04:05' }, { defaultRegion: 'US' }), 'invalid_event_time');
  });

  test(`${label}: buildEvent reports every problem at once; validateEvent never throws for the event`, () => {
    const bad = { eventName: 7, ip: '::1', email: 'nope', phone_number: '12', att: 9 };
    const err = throwsS2S(api, () => api.buildEvent(bad), 'wrong_type', 'eventName');
    const codes = err.errors.map((e) => e.code);
    for (const code of ['missing_field', 'invalid_ip', 'invalid_email', 'invalid_phone', 'invalid_att']) {
      assert.ok(codes.includes(code), `${code} in ${codes}`);
    }
    for (const e of err.errors) assert.ok(!e.message.includes('nope'), 'raw PII in a message');
    const report = api.validateEvent(bad);
    assert.equal(report.ok, false);
    assert.deepEqual(report.errors, err.errors);
    assert.ok(Array.isArray(report.warnings));
    const good = api.validateEvent(EVENT, { defaultRegion: 'US' });
    assert.deepEqual({ ok: good.ok, errors: good.errors }, { ok: true, errors: [] });
    assert.equal(good.warnings.length, 2);
    for (const input of [null, undefined, [], 5, 'not json', '[]']) {
      const r = api.validateEvent(input);
      assert.equal(r.ok, false);
      assert.equal(r.errors[0].code, 'invalid_json');
    }
    const cyclic = { ...EVENT };
    cyclic.self = cyclic;
    assert.equal(api.validateEvent(cyclic).errors[0].code, 'invalid_json');
    throwsS2S(api, () => api.buildEvent({ ...EVENT, big: 1n }), 'invalid_json', '');
  });

  test(`${label}: buildEvent takes JSON text, and a national phone number needs a region`, () => {
    const json = JSON.stringify(EVENT);
    assert.equal(api.buildEvent(json, { defaultRegion: 'US' }).body, api.buildEvent(EVENT, { defaultRegion: 'US' }).body);
    throwsS2S(api, () => api.buildEvent(EVENT), 'invalid_phone', 'phone_number');
    throwsS2S(api, () => api.buildEvent(EVENT, { defaultRegion: 'XX' }), 'invalid_region', 'defaultRegion');
    const intl = api.buildEvent({ ...EVENT, phone_number: '+1 650 555 1212' });
    assert.equal(JSON.parse(intl.body).phone_number_hashed, sha256('16505551212'));
  });

  test(`${label}: unknown fields are refused unless forwarded; digests pass through lowercased`, () => {
    const digest = sha256('john_smith@gmail.com');
    const input = { ...EVENT, email: undefined, email_hashed: digest.toUpperCase(), event_name: 'x' };
    const refused = throwsS2S(api, () => api.buildEvent(input, { defaultRegion: 'US' }), 'unknown_field', 'event_name');
    assert.match(refused.errors[0].message, /did you mean eventName/);
    const built = api.buildEvent(input, { defaultRegion: 'US', unknownFields: 'forward' });
    const body = JSON.parse(built.body);
    assert.equal(body.email_hashed, digest);
    assert.equal(body.event_name, 'x');
    const codes = built.warnings.map((w) => w.code);
    assert.ok(codes.includes('hash_lowercased') && codes.includes('unknown_field'), String(codes));
    assert.match(built.warnings.find((w) => w.code === 'unknown_field').message, /did you mean eventName/);
    throwsS2S(api, () => api.buildEvent(EVENT, { unknownFields: 'yes' }), 'wrong_type', 'unknownFields');
    const report = api.validateEvent(input, { unknownFields: 'forward', defaultRegion: 'US' });
    assert.equal(report.ok, true);
  });

  test(`${label}: raw PII under any other name is refused, even when forwarding`, () => {
    const raw = 'John.Smith@gmail.com';
    const input = { ...EVENT, Email: raw, phoneNumber: '+16505551212', eventValue: { customer_email: raw } };
    for (const unknownFields of ['refuse', 'forward']) {
      let caught;
      try {
        api.buildEvent(input, { defaultRegion: 'US', unknownFields });
      } catch (e) {
        caught = e;
      }
      assert.ok(caught instanceof api.S2SError);
      assert.deepEqual(
        caught.errors.filter((e) => e.code === 'raw_pii').map((e) => e.field).sort(),
        ['Email', 'eventValue.customer_email', 'phoneNumber'],
      );
      assert.ok(!caught.message.includes('John'), 'the message echoes the email');
    }
  });

  test(`${label}: prepareRequest`, () => {
    const req = api.prepareRequest({ appId: 'id123456789', s2sKey: 'secret-key-1', event: EVENT, defaultRegion: 'US' });
    assert.deepEqual(Object.keys(req).sort(), ['body', 'headers', 'method', 'url']);
    assert.equal(req.url, 'https://api3.appsflyer.com/inappevent/id123456789');
    assert.equal(req.method, 'POST');
    assert.deepEqual(req.headers, { authentication: 'secret-key-1', 'content-type': 'application/json' });
    assert.equal(req.body, api.buildEvent(EVENT, { defaultRegion: 'US' }).body);
    const other = api.prepareRequest({ appId: 'com.example app', s2sKey: 'k', event: EVENT, endpoint: 'http://127.0.0.1:9/af/', defaultRegion: 'US' });
    assert.equal(other.url, 'http://127.0.0.1:9/af/inappevent/com.example%20app');
    // The key never crosses a network in clear text.
    throwsS2S(api, () => api.prepareRequest({ appId: 'id1', s2sKey: 'k', event: EVENT, endpoint: 'http://api3.appsflyer.com', defaultRegion: 'US' }), 'invalid_endpoint', 'endpoint');
    const err = throwsS2S(
      api,
      () => api.prepareRequest({ appId: '123456789', s2sKey: 'Zq9-k3y x\n', event: { ...EVENT, eventName: '' }, endpoint: 'ftp://x' }),
      'invalid_app_id',
      'appId',
    );
    const codes = err.errors.map((e) => e.code);
    for (const code of ['invalid_s2s_key', 'invalid_endpoint', 'missing_field', 'invalid_phone']) assert.ok(codes.includes(code), code);
    assert.ok(!err.message.includes('Zq9'), 'the S2S key in a message');
    throwsS2S(api, () => api.prepareRequest({ appId: 'id1', event: EVENT, defaultRegion: 'US' }), 'missing_s2s_key', 's2sKey');
  });

  test(`${label}: classifyResponse`, () => {
    assert.deepEqual(api.classifyResponse(200, 'OK'), { outcome: 'delivered', reason: null, status: 200 });
    assert.deepEqual(api.classifyResponse(401, 'Unauthorized\n'), { outcome: 'rejected', reason: 'Unauthorized', status: 401 });
    assert.deepEqual(api.classifyResponse(400, 'Failed to Authenticate'), { outcome: 'rejected', reason: 'Failed to Authenticate', status: 400 });
    assert.deepEqual(api.classifyResponse(403, ''), { outcome: 'rejected', reason: 'Forbidden', status: 403 });
    assert.deepEqual(api.classifyResponse(503, ''), { outcome: 'retry', reason: 'Service Unavailable', status: 503 });
    assert.deepEqual(api.classifyResponse(429, 'slow down', '7'), { outcome: 'retry', reason: 'slow down', status: 429, retryAfterMs: 7000 });
    const soon = new Date(Date.now() + 60_000).toUTCString();
    const ms = api.classifyResponse(429, '', soon).retryAfterMs;
    assert.ok(ms > 55_000 && ms <= 60_000, String(ms));
    assert.equal(api.classifyResponse(0, '').outcome, 'retry');
    assert.equal(api.classifyResponse(200.5, '').outcome, 'retry');
    assert.equal(api.classifyResponse(302, '').outcome, 'rejected');
  });

  test(`${label}: S2SClient delivers once, with the key in the header only`, { timeout: 10_000 }, async () => {
    const af = await fakeAppsFlyer([answer(200, 'OK')]);
    try {
      const client = new api.S2SClient({ s2sKey: 'secret-key-2', appId: 'id123456789', endpoint: af.endpoint, defaultRegion: 'US' });
      assert.ok(!util.inspect(client, { showHidden: true }).includes('secret-key-2'));
      const result = await client.send(EVENT);
      assert.deepEqual(result, { outcome: 'delivered', reason: null, status: 200, attempts: 1 });
      assert.equal(af.requests.length, 1);
      const [r] = af.requests;
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/inappevent/id123456789');
      assert.equal(r.headers.authentication, 'secret-key-2');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.body, api.buildEvent(EVENT, { defaultRegion: 'US' }).body);
      await client.send(EVENT, { appId: 'com.example.app' });
      assert.equal(af.requests[1].url, '/inappevent/com.example.app');
    } finally {
      await af.close();
    }
  });

  test(`${label}: S2SClient retries 5xx, then delivers`, { timeout: 10_000 }, async () => {
    const af = await fakeAppsFlyer([answer(500, 'oops'), answer(503), answer(200, 'OK')]);
    try {
      const client = new api.S2SClient({ s2sKey: 'k', appId: 'id1', endpoint: af.endpoint, baseDelayMs: 5, defaultRegion: 'US' });
      const result = await client.send(EVENT);
      assert.equal(result.outcome, 'delivered');
      assert.equal(result.attempts, 3);
      assert.equal(af.requests.length, 3);
      assert.equal(new Set(af.requests.map((r) => r.body)).size, 1, 'every attempt sends the same body');
    } finally {
      await af.close();
    }
  });

  test(`${label}: S2SClient waits for a 429's Retry-After`, { timeout: 10_000 }, async () => {
    const af = await fakeAppsFlyer([answer(429, 'Too Many Requests', { 'retry-after': '1' }), answer(200, 'OK')]);
    try {
      const client = new api.S2SClient({ s2sKey: 'k', appId: 'id1', endpoint: af.endpoint, baseDelayMs: 5, defaultRegion: 'US' });
      const start = Date.now();
      const result = await client.send(EVENT);
      const waited = Date.now() - start;
      assert.equal(result.outcome, 'delivered');
      assert.equal(result.attempts, 2);
      assert.ok(waited >= 950, `retried after ${waited} ms, before Retry-After: 1`);
    } finally {
      await af.close();
    }
  });

  for (const [status, reason] of [[400, 'Bad request'], [401, 'Unauthorized'], [403, 'Forbidden']]) {
    test(`${label}: S2SClient never retries a ${status}`, { timeout: 10_000 }, async () => {
      const af = await fakeAppsFlyer([answer(status, reason), answer(200, 'OK')]);
      try {
        const client = new api.S2SClient({ s2sKey: 'k', appId: 'id1', endpoint: af.endpoint, baseDelayMs: 5, defaultRegion: 'US' });
        const result = await client.send(EVENT);
        assert.deepEqual(result, { outcome: 'rejected', reason, status, attempts: 1 });
        assert.equal(af.requests.length, 1);
      } finally {
        await af.close();
      }
    });
  }

  test(`${label}: S2SClient times out a hung upstream, retries, and gives up`, { timeout: 10_000 }, async () => {
    const af = await fakeAppsFlyer([hang()]);
    try {
      const client = new api.S2SClient({ s2sKey: 'k', appId: 'id1', endpoint: af.endpoint, timeoutMs: 200, maxRetries: 1, baseDelayMs: 5, defaultRegion: 'US' });
      const start = Date.now();
      const result = await client.send(EVENT);
      const took = Date.now() - start;
      assert.equal(result.outcome, 'retry');
      assert.equal(result.attempts, 2);
      assert.match(result.reason, /timed out/);
      assert.equal(result.status, undefined);
      assert.equal(af.requests.length, 2);
      assert.ok(took >= 390 && took < 3000, `took ${took} ms`);
    } finally {
      await af.close();
    }
  });

  test(`${label}: S2SClient gives up after maxRetries and on network errors`, { timeout: 10_000 }, async () => {
    const af = await fakeAppsFlyer([answer(502, 'Bad Gateway')]);
    try {
      const client = new api.S2SClient({ s2sKey: 'k', appId: 'id1', endpoint: af.endpoint, maxRetries: 2, baseDelayMs: 5, defaultRegion: 'US' });
      const result = await client.send(EVENT);
      assert.deepEqual(result, { outcome: 'retry', reason: 'Bad Gateway', status: 502, attempts: 3 });
    } finally {
      await af.close();
    }
    // The server is closed now: nothing listens on its port.
    const client = new api.S2SClient({ s2sKey: 'k', appId: 'id1', endpoint: af.endpoint, maxRetries: 0, defaultRegion: 'US' });
    const result = await client.send(EVENT);
    assert.equal(result.outcome, 'retry');
    assert.match(result.reason, /^network error/);
    assert.equal(result.attempts, 1);
  });

  test(`${label}: S2SClient never follows a redirect: the other host gets nothing`, { timeout: 10_000 }, async () => {
    const elsewhere = await fakeAppsFlyer([answer(200, 'OK')]);
    const af = await fakeAppsFlyer([answer(307, '', { location: `${elsewhere.endpoint}/inappevent/id1` })]);
    try {
      const client = new api.S2SClient({ s2sKey: 'secret-key-3', appId: 'id1', endpoint: af.endpoint, defaultRegion: 'US' });
      const result = await client.send(EVENT);
      assert.equal(result.outcome, 'rejected');
      assert.equal(result.status, 307);
      assert.equal(result.attempts, 1);
      assert.equal(elsewhere.requests.length, 0, 'the redirect was followed with the key');
    } finally {
      await af.close();
      await elsewhere.close();
    }
  });

  test(`${label}: S2SClient reads at most 4 KB of an answer`, { timeout: 10_000 }, async () => {
    const af = await fakeAppsFlyer([answer(400, 'E'.repeat(1024 * 1024))]);
    try {
      const client = new api.S2SClient({ s2sKey: 'k', appId: 'id1', endpoint: af.endpoint, defaultRegion: 'US' });
      const result = await client.send(EVENT);
      assert.equal(result.outcome, 'rejected');
      assert.ok(result.reason.length <= 260, `a ${result.reason.length}-character reason`);
    } finally {
      await af.close();
    }
  });

  test(`${label}: S2SClient refuses invalid events and options before sending`, { timeout: 10_000 }, async () => {
    const af = await fakeAppsFlyer([answer(200, 'OK')]);
    try {
      const client = new api.S2SClient({ s2sKey: 'k', appId: '123', endpoint: af.endpoint, defaultRegion: 'US' });
      await assert.rejects(client.send({ ...EVENT, appsflyer_id: 'x' }), (e) => {
        assert.ok(e instanceof api.S2SError);
        const codes = e.errors.map((x) => x.code);
        assert.ok(codes.includes('invalid_app_id') && codes.includes('invalid_appsflyer_id'), String(codes));
        return true;
      });
      assert.equal(af.requests.length, 0);
      throwsS2S(api, () => new api.S2SClient({}), 'wrong_type', 's2sKey');
      throwsS2S(api, () => new api.S2SClient({ s2sKey: ' ' }), 'missing_s2s_key', 's2sKey');
      throwsS2S(api, () => new api.S2SClient({ s2sKey: 'k', timeoutMs: -1 }), 'wrong_type', 'timeoutMs');
      throwsS2S(api, () => new api.S2SClient({ s2sKey: 'k', fetch: 'no' }), 'wrong_type', 'fetch');
      throwsS2S(api, () => new api.S2SClient({ s2sKey: 'k', unknownFields: 'all' }), 'wrong_type', 'unknownFields');
      const plain = new api.S2SClient({ s2sKey: 'k', appId: 'id1', endpoint: 'http://api3.appsflyer.com' });
      await assert.rejects(plain.send(EVENT), (e) => e instanceof api.S2SError && e.errors.some((x) => x.code === 'invalid_endpoint'));
    } finally {
      await af.close();
    }
  });
}

module.exports = suite;
module.exports.hashingSuite = hashingSuite;
module.exports.throwsS2S = throwsS2S;
module.exports.CORPUS = CORPUS;
