// Where a .wasm's bytes go, for BENCHMARKS.md (`make pkg-hash-twiggy`): the
// code of a names-kept build grouped by component (twiggy's shallow sizes,
// raw bytes), and the shipped file's code and data sections and each large
// data segment (which tables it holds), raw and gzip -9 on their own.
//
//   node pkg/test/wasm-breakdown.mjs <names-kept.wasm> <shipped.wasm>
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const [named, shipped] = process.argv.slice(2);
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

const GROUPS = [
  ['phone parser', /phone|is_some_and/],
  ['NFC', /nfc|normalize_name/],
  ['lowercase', /normalize::case|to_lowercase/],
  ['SHA-256 (sha2, digest, hex)', /sha2|digest|block_buffer|hash::sha256/],
  ['allocator (lol_alloc)', /lol_alloc|__rust_(alloc|dealloc|realloc)|__rdl/],
  ['wasm-bindgen exports and glue', /shim|externref|wbindgen|wasm_bindgen|js_sys|appsflyer_s2s_wasm/],
  ['formatting and panics', /fmt|panic|_fail/],
  ['core/alloc strings and vectors', /str|vec|raw_vec|alloc::|slice|char|memchr|memcmp|memcpy|memset/],
];
const csv = execFileSync('twiggy', ['top', '-n', '100000', '--format', 'csv', named], { encoding: 'utf8' });
const totals = new Map();
for (const line of csv.trim().split('\n').slice(1)) {
  const m = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
  if (!m) continue;
  const name = m[1].replace(/^"|"$/g, '').replaceAll('""', '"');
  const bytes = m[2];
  if (/^data segment|names" subsection|^"|^custom section|section headers|^table\[|^elem\[/.test(name)) continue;
  const group = GROUPS.find(([, re]) => re.test(name))?.[0] ?? 'other';
  totals.set(group, (totals.get(group) ?? 0) + Number(bytes));
}
console.log('code by component (raw bytes, names-kept build):');
for (const [group, bytes] of [...totals].sort((a, b) => b[1] - a[1])) console.log(`  ${String(bytes).padStart(7)}  ${group}`);

// The shipped file's sections and data segments.
const b = readFileSync(shipped);
let i = 8;
const leb = () => {
  let r = 0;
  for (let s = 0; ; s += 7) {
    const x = b[i++];
    r |= (x & 0x7f) << s;
    if (!(x & 0x80)) return r >>> 0;
  }
};
const TABLES = [
  ['phone metadata', Buffer.from('US\x00\x01\x00\x04', 'latin1')],
  ['NFC tables', Buffer.from([0xe6, 0x14, 0xc0, 0x00])],
  ['lowercase runs', Buffer.from([0x2c, 0x00, 0x06, 0x00, 0x20, 0x00, 0x00, 0x00])],
];
console.log(`${shipped}: ${b.length} bytes, ${gz(b)} gzip -9 (zlib)`);
while (i < b.length) {
  const id = b[i++];
  const len = leb();
  const start = i;
  if (id === 10) console.log(`  code section: ${len} bytes, ${gz(b.subarray(start, start + len))} gzip alone`);
  if (id === 11) {
    console.log(`  data section: ${len} bytes, ${gz(b.subarray(start, start + len))} gzip alone`);
    for (let n = leb(), k = 0; k < n; k++) {
      if (leb() === 0) {
        i += 1;
        leb();
        i += 1;
      }
      const size = leb();
      const seg = b.subarray(i, i + size);
      if (size > 1000) {
        const holds = TABLES.filter(([, sig]) => seg.includes(sig)).map(([t]) => t);
        console.log(`    segment of ${size} bytes, ${gz(seg)} gzip alone: ${holds.join(', ') || 'other constants'}`);
      }
      i += size;
    }
  }
  i = start + len;
}
