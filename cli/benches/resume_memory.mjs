#!/usr/bin/env node
// Memory of a resume: a journal in which every row of a CSV file is
// delivered (written here, as `send` writes it: a `sending` and a
// `delivered` line per row, each with the row's hash), then `send --dry-run`
// on the file with it: the journal is read, the file checked against it
// and streamed, every row skipped. Prints the time and the peak RSS
// (VmHWM, sampled from /proc while it runs).
//
// Usage: node cli/benches/resume_memory.mjs --bin target/release/appsflyer-s2s --file FILE.csv
// (`make bench-cli` passes the 1,000,000-row file of the check benchmark.)

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const bin = option("bin", "target/release/appsflyer-s2s");
const file = option("file");
if (!file) throw new Error("--file FILE.csv is required");

const lines = readFileSync(file, "utf8").split("\n");
if (lines.at(-1) === "") lines.pop();
const hash = (s) => createHash("sha256").update(s.replace(/\r$/, "")).digest("hex").slice(0, 16);
const dir = mkdtempSync(path.join(tmpdir(), "af-resume-"));
const journal = path.join(dir, "events.journal");
const parts = [
  JSON.stringify({ journal: "appsflyer-s2s", version: 1, format: "csv", columns: hash(lines[0]), app_id: "com.example.app" }),
];
for (let i = 1; i < lines.length; i++) {
  const h = hash(lines[i]);
  parts.push(JSON.stringify({ line: i + 1, hash: h, state: "sending" }), JSON.stringify({ line: i + 1, hash: h, state: "delivered" }));
}
writeFileSync(journal, parts.join("\n") + "\n");

const started = Date.now();
const child = spawn(
  bin,
  ["send", file, "--app-id", "com.example.app", "--journal", journal, "--dry-run", "--region", "US", "--progress", "none"],
  { stdio: ["ignore", "ignore", "pipe"] },
);
let stderr = "";
child.stderr.on("data", (d) => (stderr += d));
let peakKiB = 0;
const sampler = setInterval(() => {
  try {
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
  } catch {
    // exited
  }
}, 5);
const code = await new Promise((resolve) => child.on("exit", resolve));
clearInterval(sampler);
const seconds = (Date.now() - started) / 1000;
const journalMB = statSync(journal).size / 1e6;
rmSync(dir, { recursive: true, force: true });
if (code !== 0 || !stderr.includes("0 would be sent")) {
  console.error(stderr);
  process.exit(1);
}
console.log(
  `resume_memory: ${lines.length - 1} rows all delivered in a ${journalMB.toFixed(0)} MB journal: ` +
    `read, checked against the file and skipped in ${seconds.toFixed(2)} s, peak RSS ${(peakKiB / 1024).toFixed(1)} MB`,
);
