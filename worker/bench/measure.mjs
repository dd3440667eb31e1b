// Shared by the Worker's benchmarks (bench.mjs, load.mjs): the typical event
// they send, and the CPU time of the workerd processes Miniflare started.

import { readFileSync, readdirSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** A typical event: raw email, phone and names to hash, an eventValue, a time to convert. */
export const TYPICAL_EVENT = JSON.stringify({
  appsflyer_id: "1415211453000-6513894",
  eventName: "af_purchase",
  eventValue: { af_revenue: "19.99", af_content_id: "sku-1" },
  eventCurrency: "usd",
  eventTime: "2024-05-15T14:17:01.123+02:00",
  email: " John_Smith@Gmail.com ",
  phone_number: "(650) 555-1212",
  first_name: "Valéry",
  last_name: "Smith",
});

/** The workerd processes started by this Node process (Miniflare's runtime). */
export function workerdPids() {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && comm.startsWith("workerd")) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** utime + stime of the processes, in ms. */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
