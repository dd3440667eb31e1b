#!/usr/bin/env node
// Writes tests/data/NormalizationTest.txt: Unicode's normalization conformance
// test (NormalizationTest.txt) for the Unicode version of the crate's NFC tables,
// with the comments of its lines taken out. tests/nfc.rs runs its NFC rules.
//
// The file comes from a crates.io package that ships it: icu_normalizer (pinned
// below) keeps it in tests/data/. `cargo metadata` on a throw-away manifest makes
// cargo download the package, and tells where its source is.
//
// Usage (from the repository root):
//   node scripts/gen-normalization-test.mjs           # (re)write the file
//   node scripts/gen-normalization-test.mjs --check   # exit 1 if the committed copy differs
//
// When the NFC tables move to another Unicode version (tools/gen-nfc), pin the
// icu_normalizer release that ships that version's file and run this again.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE = 'icu_normalizer'
const PACKAGE_VERSION = '2.4.0'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'tests', 'data', 'NormalizationTest.txt')
const TABLES = join(ROOT, 'src', 'normalize', 'nfc_tables.rs')
const CHECK = process.argv.includes('--check')

// The Unicode version of our tables, e.g. "18.0.0".
const tablesVersion = (() => {
  const m = readFileSync(TABLES, 'utf8').match(/UNICODE_VERSION: \(u8, u8, u8\) = \((\d+), (\d+), (\d+)\)/)
  if (!m) throw new Error(`${TABLES}: no UNICODE_VERSION`)
  return m.slice(1).join('.')
})()

function sourceFile() {
  const dir = mkdtempSync(join(tmpdir(), 'gen-normalization-test-'))
  try {
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'src', 'lib.rs'), '')
    writeFileSync(
      join(dir, 'Cargo.toml'),
      `[package]\nname = "fetch-normalization-test"\nversion = "0.0.0"\nedition = "2021"\n\n` +
        `[dependencies]\n${PACKAGE} = { version = "=${PACKAGE_VERSION}", default-features = false }\n\n[workspace]\n`,
    )
    const metadata = JSON.parse(
      execFileSync('cargo', ['metadata', '--format-version', '1', '--manifest-path', join(dir, 'Cargo.toml')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 << 20,
      }),
    )
    const pkg = metadata.packages.find((p) => p.name === PACKAGE && p.version === PACKAGE_VERSION)
    if (!pkg) throw new Error(`cargo metadata did not resolve ${PACKAGE} ${PACKAGE_VERSION}`)
    return readFileSync(join(dirname(pkg.manifest_path), 'tests', 'data', 'NormalizationTest.txt'), 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const source = sourceFile()
const lines = source.split('\n')
const version = lines[0].match(/^# NormalizationTest-(\d+\.\d+\.\d+)\.txt$/)?.[1]
if (version !== tablesVersion) {
  console.error(
    `${PACKAGE} ${PACKAGE_VERSION} ships NormalizationTest-${version}.txt, but the NFC tables are Unicode ${tablesVersion}: pin the ${PACKAGE} release that ships ${tablesVersion}`,
  )
  process.exit(2)
}
// The original header up to its first empty comment line: name, date, copyright, terms.
const header = lines.slice(0, lines.indexOf('#'))
const body = lines
  .filter((l) => l.startsWith('@') || /^[0-9A-F]/.test(l))
  .map((l) => l.replace(/\s*#.*$/, ''))
const text =
  [
    ...header,
    '#',
    `# Unicode's normalization conformance test, Unicode ${version}, with the`,
    '# comments of its lines taken out (every test line is as published). Copied',
    `# from the crates.io package ${PACKAGE} ${PACKAGE_VERSION} (tests/data/NormalizationTest.txt)`,
    '# by `node scripts/gen-normalization-test.mjs`; `--check` verifies it.',
    '# Unicode data: Copyright © Unicode, Inc., Unicode License v3',
    '# (SPDX-License-Identifier: Unicode-3.0, https://www.unicode.org/license.txt).',
    '#',
    '# Columns: source; NFC; NFD; NFKC; NFKD. tests/nfc.rs checks the NFC rules',
    '#   c2 == NFC(c1) == NFC(c2) == NFC(c3) and c4 == NFC(c4) == NFC(c5),',
    '# and that every code point not listed in @Part1 is its own NFC.',
    ...body,
  ].join('\n') + '\n'

if (CHECK) {
  let committed = null
  try {
    committed = readFileSync(OUT, 'utf8')
  } catch {}
  if (committed === text) {
    console.error(`--check: ${OUT} is up to date`)
    process.exit(0)
  }
  console.error(`--check: ${OUT} is ${committed === null ? 'missing' : 'stale'}; run node scripts/gen-normalization-test.mjs`)
  process.exit(1)
}
writeFileSync(OUT, text)
console.error(`wrote ${OUT}: ${body.length} lines, Unicode ${version}`)
