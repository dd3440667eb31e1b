'use strict';
// mulberry32: a small seeded PRNG, so a failing random sample of a test can be
// replayed with the same S2S_SEED. Shared by suite.cjs and browser/run.mjs.
module.exports = function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
