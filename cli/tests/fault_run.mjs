#!/usr/bin/env node
// The command line's fault run: a CSV of N events sent to the local
// AppsFlyer stand-in (scripts/fake-appsflyer.mjs) while it fails about a
// quarter of the requests (500, 503, 429 with Retry-After, resets, hangs,
// and resets or hangs after recording the event), the process killed with
// SIGKILL at random points, then run again until it is done. Then, from the
// stand-in's own record of what it accepted:
//
//   --ambiguous hold   no row recorded twice; every row delivered (recorded
//                      once, journaled delivered) or in the final report
//   --ambiguous retry  no row lost: every row recorded at least once
//                      (duplicates are counted and printed)
//
// Usage: node cli/tests/fault_run.mjs --bin target/release/appsflyer-s2s
//          [--rows 20000] [--mode hold|retry|both] [--kills 5] [--seed 1]
//          [--fault-rate 0.25]
// Exits 1 if a property fails. Everything stays on 127.0.0.1.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeAppsFlyer } from "../../scripts/fake-appsflyer.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const bin = option("bin", "target/release/appsflyer-s2s");
const rows = Number(option("rows", "20000"));
const kills = Number(option("kills", "5"));
const seed = Number(option("seed", "1"));
const faultRate = Number(option("fault-rate", "0.25"));
const modes = option("mode", "both") === "both" ? ["hold", "retry"] : [option("mode")];
const MAX_RUNS = 40;

// mulberry32: reproducible kill points for a seed.
function prng(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(file, fake, mode, killAfterMs) {
  return new Promise((resolve) => {
    const child = spawn(
      bin,
      ["send", file, "--app-id", "com.example.app", "--endpoint", fake.url, "--ambiguous", mode,
        "--progress", "none", "--rate", "600000", "--concurrency", "32", "--timeout", "1"],
      { env: { ...process.env, APPSFLYER_S2S_KEY: "fault-run-key" }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

async function faultRun(mode) {
  const dir = mkdtempSync(path.join(tmpdir(), `af-fault-${mode}-`));
  const file = path.join(dir, "events.csv");
  let csv = "appsflyer_id,eventName,customer_user_id,eventValue.af_revenue\n";
  for (let k = 0; k < rows; k++) {
    csv += `1415211453000-${String(k + 1).padStart(7, "0")},af_purchase,row-${k},${k % 100}.5\n`;
  }
  writeFileSync(file, csv);
  const fake = await startFakeAppsFlyer({ faults: { seed: `${seed}-${mode}`, rate: faultRate } });
  const random = prng(seed);
  const started = Date.now();
  let runs = 0;
  let killed = 0;
  let last;
  try {
    for (;;) {
      if (++runs > MAX_RUNS) throw new Error(`not done after ${MAX_RUNS} runs`);
      const killAfter = killed < kills ? Math.round(200 + random() * 1800) : null;
      last = await run(file, fake, mode, killAfter);
      if (last.signal === "SIGKILL") {
        killed++;
        continue;
      }
      if (last.code === 2) throw new Error(`run ${runs} failed: ${last.stderr}`);
      if (last.code === 0) break;
      // Exit 1: done only when nothing is left to send (held rows stay held).
      const report = readReport(`${file}.report.ndjson`);
      if (report.every((e) => e.status === "ambiguous")) break;
    }
  } finally {
    await fake.close();
  }

  // What AppsFlyer recorded, row by row.
  const accepted = new Array(rows).fill(0);
  for (const r of fake.requests) {
    if (!r.accepted) continue;
    accepted[Number(JSON.parse(r.body).customer_user_id.slice(4))]++;
  }
  const journal = journalStates(`${file}.journal`);
  const report = readReport(`${file}.report.ndjson`);
  const reported = new Map(report.map((e) => [e.line, e.status]));
  const failures = [];
  let delivered = 0;
  let duplicates = 0;
  for (let k = 0; k < rows; k++) {
    const line = k + 2;
    const state = journal.get(line);
    if (state === "delivered") delivered++;
    if (accepted[k] > 1) duplicates += accepted[k] - 1;
    if (mode === "hold") {
      if (accepted[k] > 1) failures.push(`row ${k} (line ${line}) recorded ${accepted[k]} times`);
      if (state === "delivered" && accepted[k] !== 1) failures.push(`line ${line} journaled delivered, recorded ${accepted[k]} times`);
      if (state !== "delivered" && !reported.has(line)) failures.push(`line ${line} neither delivered nor reported (journal: ${state})`);
      if (reported.has(line) && reported.get(line) !== "ambiguous") failures.push(`line ${line} reported ${reported.get(line)}`);
    } else {
      if (accepted[k] < 1) failures.push(`row ${k} (line ${line}) lost: never recorded (journal: ${state})`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fault run (${mode}): ${rows} rows, ${fake.requests.length} requests, ` +
      `${fake.requests.filter((r) => r.fault).length} failed on purpose ` +
      `(${fake.requests.filter((r) => r.fault?.endsWith("after_accept")).length} after recording the event), ` +
      `${killed} SIGKILLs, ${runs} runs, ${seconds} s: ${delivered} delivered, ${report.length} reported ` +
      `(${report.filter((e) => e.status === "ambiguous").length} ambiguous), ` +
      `${accepted.filter((n) => n === 0).length} never recorded, ${duplicates} duplicates`,
  );
  rmSync(dir, { recursive: true, force: true });
  return failures;
}

function readReport(p) {
  try {
    return readFileSync(p, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

function journalStates(p) {
  const states = new Map();
  const lines = readFileSync(p, "utf8").split("\n").filter(Boolean);
  for (const l of lines.slice(1)) {
    const r = JSON.parse(l);
    states.set(r.line, r.state);
  }
  return states;
}

let failed = false;
for (const mode of modes) {
  const failures = await faultRun(mode);
  if (failures.length) {
    failed = true;
    console.error(`fault run (${mode}): ${failures.length} failures:\n  ${failures.slice(0, 20).join("\n  ")}`);
  } else {
    console.log(`fault run (${mode}): ${mode === "hold" ? "no row recorded twice; every row delivered or reported" : "no row lost"}`);
  }
}
process.exit(failed ? 1 : 0);
