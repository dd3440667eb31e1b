// The browser build (pkg/browser.mjs) in a real Chromium: the contract's
// vectors and a sample of the phone corpus, every digest checked against
// WebCrypto's crypto.subtle.digest. Results go to window.__results for run.mjs.
import init, * as s2s from '/pkg/browser.mjs';

const results = [];
const check = (name, ok, detail = '') => results.push({ name, ok: Boolean(ok), detail });

async function webCrypto(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function run() {
  await init();
  const data = await (await fetch('/data.json')).json();

  for (const text of data.texts) {
    const expected = await webCrypto(text);
    check(`sha256Hex(${JSON.stringify(text).slice(0, 40)})`, s2s.sha256Hex(text) === expected);
  }

  for (const v of data.vectors) {
    const region = v.region ?? undefined;
    const fn = {
      email_hashed: () => s2s.hashEmail(v.input),
      first_name_hashed: () => s2s.hashName(v.input),
      phone_number_hashed: () => s2s.hashPhone(v.input, region),
      phone_number_e164_hashed: () => s2s.hashPhoneE164(v.input, region),
    }[v.field];
    const expected = await webCrypto(v.normalized);
    check(`${v.field} of ${JSON.stringify(v.input)}`, fn() === expected && expected === v.sha256, fn());
  }

  check('NFD name composes', s2s.hashName('Vale\u0301ry') === (await webCrypto('val\u00e9ry')));

  let phones = 0;
  for (const p of data.phones) {
    const region = p.region ?? undefined;
    const where = `${JSON.stringify(p.input)} in ${p.region}`;
    if (p.e164 === null) {
      let code = null;
      try {
        s2s.toE164(p.input, region);
      } catch (e) {
        code = e instanceof s2s.S2SError ? e.code : String(e);
      }
      check(`toE164 refuses ${where}`, code === 'invalid_phone', code);
      continue;
    }
    phones += 1;
    const ok =
      s2s.toE164(p.input, region) === p.e164 &&
      s2s.hashPhoneE164(p.input, region) === (await webCrypto(p.e164)) &&
      s2s.hashPhone(p.input, region) === (await webCrypto(p.e164.slice(1)));
    check(`phone ${where}`, ok, s2s.toE164(p.input, region));
  }
  check('sampled enough possible phone numbers', phones > 50, String(phones));

  const built = s2s.buildEvent(data.event, { defaultRegion: 'US' });
  const body = JSON.parse(built.body);
  check('buildEvent email_hashed', body.email_hashed === (await webCrypto('john_smith@gmail.com')));
  check('buildEvent phone_number_hashed', body.phone_number_hashed === (await webCrypto('16505551212')));
  check('buildEvent phone_number_e164_hashed', body.phone_number_e164_hashed === (await webCrypto('+16505551212')));
  check('buildEvent first_name_hashed', body.first_name_hashed === (await webCrypto('valéry')));
  check('buildEvent eventTime from a Date', JSON.parse(s2s.buildEvent({ ...data.event, eventTime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) }, { defaultRegion: 'US' }).body).eventTime === '2024-01-02 03:04:05.678');
  check('buildEvent bytes', built.bytes === new TextEncoder().encode(built.body).length);

  let error;
  try {
    s2s.buildEvent({ eventName: '' });
  } catch (e) {
    error = e;
  }
  check('S2SError in the browser', error instanceof s2s.S2SError && error instanceof Error && error.code === 'missing_field' && error.errors.length === 2);
  const outcome = s2s.classifyResponse(429, '', '2');
  check('classifyResponse', outcome.outcome === 'retry' && outcome.retryAfterMs === 2000);
}

run().then(
  () => (window.__results = results),
  (e) => (window.__results = [...results, { name: 'page error', ok: false, detail: String(e && e.stack || e) }]),
);
