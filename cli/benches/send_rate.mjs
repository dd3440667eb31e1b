#!/usr/bin/env node
// `appsflyer-s2s send --rate 60000` against the local AppsFlyer stand-in
// (scripts/fake-appsflyer.mjs, in this process, no faults) for about
// `--seconds`: the achieved rate, the worst one-second window (from the
// times the stand-in received each request), and the sender's CPU (user +
// system from /proc, as a share of one core) and peak RSS (VmHWM).
//
// Usage: node cli/benches/send_rate.mjs --bin target/release/appsflyer-s2s
//          [--seconds 60] [--rate 60000] [--concurrency 128]
// Prints figures; no threshold. Everything stays on 127.0.0.1.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeAppsFlyer } from "../../scripts/fake-appsflyer.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const bin = option("bin", "target/release/appsflyer-s2s");
const seconds = Number(option("seconds", "60"));
const rate = Number(option("rate", "60000"));
const concurrency = option("concurrency", "128");
const rows = Math.round((rate / 60) * seconds);
const TICKS = 100; // clock ticks per second in /proc/<pid>/stat (USER_HZ)

const dir = mkdtempSync(path.join(tmpdir(), "af-send-rate-"));
const file = path.join(dir, "events.csv");
let csv = "appsflyer_id,eventName,customer_user_id,eventValue.af_revenue,eventCurrency,email,phone_number\n";
for (let k = 0; k < rows; k++) {
  csv += `1415211453000-${String(k + 1).padStart(7, "0")},af_purchase,row-${k},${k % 100}.99,USD,user${k}@example.com,+1650555${String(k % 10000).padStart(4, "0")}\n`;
}
writeFileSync(file, csv);

const fake = await startFakeAppsFlyer();
const started = Date.now();
const child = spawn(
  bin,
  ["send", file, "--app-id", "com.example.app", "--endpoint", fake.url, "--rate", String(rate),
    "--concurrency", concurrency, "--progress", "none"],
  { env: { ...process.env, APPSFLYER_S2S_KEY: "bench-key" }, stdio: ["ignore", "ignore", "pipe"] },
);
let stderr = "";
child.stderr.on("data", (d) => (stderr += d));
let cpuTicks = 0;
let peakKiB = 0;
// Sampled every 100 ms while it runs; the last sample is at most 100 ms before it exits.
const sampler = setInterval(() => {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    cpuTicks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const hwm = /VmHWM:\s+(\d+)/.exec(status);
    if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
  } catch {
    // exited between two samples
  }
}, 100);
const code = await new Promise((resolve) => child.on("exit", resolve));
clearInterval(sampler);
const wall = (Date.now() - started) / 1000;
await fake.close();
rmSync(dir, { recursive: true, force: true });
if (code !== 0) {
  console.error(stderr);
  process.exit(1);
}

const times = fake.requests.map((r) => r.at).sort((a, b) => a - b);
let worst = 0;
for (let i = 0, j = 0; i < times.length; i++) {
  while (j < times.length && times[j] < times[i] + 1000) j++;
  worst = Math.max(worst, j - i);
}
const span = (times.at(-1) - times[0]) / 1000;
const cpu = cpuTicks / TICKS;
console.log(`send_rate: ${rows} rows at --rate ${rate} (${rate / 60}/s, at most ${Math.floor((rate / 60) * 1.1)} in any second)`);
console.log(`achieved: ${times.length} requests in ${span.toFixed(2)} s = ${(times.length / span).toFixed(0)}/s (${((times.length / span) * 60).toFixed(0)}/min); wall ${wall.toFixed(2)} s`);
console.log(`worst one-second window: ${worst} requests`);
console.log(`sender CPU: ${cpu.toFixed(2)} s = ${((cpu / wall) * 100).toFixed(1)} % of one core; peak RSS ${(peakKiB / 1024).toFixed(1)} MB`);
