#!/usr/bin/env node
// Generates src/phone/metadata.rs from libphonenumber-js's metadata.min.json.
//
//   node scripts/gen-phone-metadata.mjs          # (re)write src/phone/metadata.rs
//   node scripts/gen-phone-metadata.mjs --check  # exit 1 if the committed file is stale
//
// Only what `phone::parse` + `isPossible()` need is kept: calling codes and
// their regions (in libphonenumber-js's order), IDD prefixes, national prefixes
// for parsing with their transform rules, national number patterns, leading
// digits, possible lengths, and the number-type patterns that libphonenumber-js
// uses to choose among regions sharing a calling code.
//
// Every regular expression is compiled here into the bytecode that
// `src/phone/matcher.rs` interprets. The compiler accepts only the regex subset
// the metadata uses (digits, `\d`, digit classes, `(?:…)`, `(…)`, `|`, `?`,
// `{n}`, `{n,m}`, `$`) and throws on anything else, so a metadata update that
// needs more fails here loudly instead of matching wrongly at run time.
//
// Bytecode (one program per pattern; jumps go forward, by an offset counted
// from the start of the jump instruction):
//   0..=9            literal digit
//   10               any digit (\d)
//   11 lo hi         digit class, bit d of the u16 mask = digit d
//   12 min max ATOM  greedy repetition of a one-digit ATOM (one of the above)
//   13 off           SPLIT: try the next instruction first, then pc + off
//   14 off           JMP to pc + off
//   17 hi lo, 18 hi lo  the same with a big-endian u16 offset
//   15 slot          SAVE the position into a capture slot (2k, 2k+1 = group k+1)
//   16               end of input (`$`)
//   end of program   MATCH
//
// Record layout of the blob (records are grouped by calling code, regions in
// libphonenumber-js's order, main region first; non-geographic plans last):
//   region[2] ("\0\0" if non-geographic) cc:u16 lengths:u24 (bit n = length n)
//   field idd, field npfp, groups:u8, field transform, field nnp, field leading,
//   types:u8, then per type: lengths:u24 field pattern
// where field = len:u16 + bytes. Transform bytes: ASCII digits are literal,
// bytes 1..=9 stand for `$1`..`$9`.

import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const pkgDir = path.join(root, 'node_modules', 'libphonenumber-js')
const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
const meta = JSON.parse(readFileSync(path.join(pkgDir, 'metadata.min.json'), 'utf8'))
const OUT = path.join(root, 'src', 'phone', 'metadata.rs')

if (pkg.version !== '1.13.16') {
	throw new Error(`expected libphonenumber-js 1.13.16, found ${pkg.version}`)
}
if (meta.version !== 4) {
	throw new Error(`unsupported metadata format version ${meta.version}`)
}

// ---------------------------------------------------------------- regex AST

function parseRegex(src) {
	let i = 0
	let groups = 0
	const fail = (msg) => {
		throw new Error(`unsupported regex syntax (${msg}) at ${i} in /${src}/`)
	}
	function parseAlt() {
		const alts = [parseSeq()]
		while (src[i] === '|') {
			i++
			alts.push(parseSeq())
		}
		return alts.length === 1 ? alts[0] : { t: 'alt', alts }
	}
	function parseSeq() {
		const items = []
		while (i < src.length && src[i] !== '|' && src[i] !== ')') {
			let atom = parseAtom()
			for (;;) {
				const q = parseQuant()
				if (!q) break
				if (atom.t === 'eol') fail('quantified $')
				atom = { t: 'rep', min: q[0], max: q[1], x: atom }
			}
			items.push(atom)
		}
		return { t: 'seq', items }
	}
	function parseQuant() {
		const c = src[i]
		if (c === '?') {
			i++
			if (src[i] === '?') fail('lazy quantifier')
			return [0, 1]
		}
		if (c === '*' || c === '+') fail('unbounded quantifier')
		if (c === '{') {
			const m = /^\{(\d+)(?:(,)(\d+)?)?\}/.exec(src.slice(i))
			if (!m) fail('bad {}')
			if (m[2] && m[3] === undefined) fail('{n,}')
			i += m[0].length
			if (src[i] === '?') fail('lazy quantifier')
			const min = +m[1]
			const max = m[2] ? +m[3] : min
			if (max < min || max > 255) fail('bad bounds')
			return [min, max]
		}
		return null
	}
	function parseAtom() {
		const c = src[i]
		if (c >= '0' && c <= '9') {
			i++
			return { t: 'set', mask: 1 << +c }
		}
		if (c === '\\') {
			if (src[i + 1] !== 'd') fail('escape')
			i += 2
			return { t: 'set', mask: 0x3ff }
		}
		if (c === '[') {
			i++
			let mask = 0
			if (src[i] === '^') fail('negated class')
			while (src[i] !== ']') {
				let a
				if (src[i] === '\\' && src[i + 1] === 'd') {
					mask |= 0x3ff
					i += 2
					continue
				}
				if (!(src[i] >= '0' && src[i] <= '9')) fail('class member')
				a = +src[i++]
				if (src[i] === '-' && src[i + 1] !== ']') {
					i++
					if (!(src[i] >= '0' && src[i] <= '9')) fail('class range')
					const b = +src[i++]
					if (b < a) fail('class range order')
					for (let d = a; d <= b; d++) mask |= 1 << d
				} else {
					mask |= 1 << a
				}
			}
			i++
			if (!mask) fail('empty class')
			return { t: 'set', mask }
		}
		if (c === '(') {
			i++
			let capture = null
			if (src[i] === '?') {
				if (src[i + 1] !== ':') fail('group kind')
				i += 2
			} else {
				capture = groups++
			}
			const x = parseAlt()
			if (src[i] !== ')') fail('unclosed group')
			i++
			return { t: 'group', capture, x }
		}
		if (c === '$') {
			i++
			return { t: 'eol' }
		}
		fail(`character ${JSON.stringify(c)}`)
	}
	const ast = parseAlt()
	if (i !== src.length) fail('trailing input')
	return { ast, groups }
}

function nullable(n) {
	switch (n.t) {
		case 'set': return false
		case 'eol': return true
		case 'seq': return n.items.every(nullable)
		case 'alt': return n.alts.some(nullable)
		case 'group': return nullable(n.x)
		case 'rep': return n.min === 0 || nullable(n.x)
	}
}

function hasCapture(n) {
	switch (n.t) {
		case 'seq': return n.items.some(hasCapture)
		case 'alt': return n.alts.some(hasCapture)
		case 'group': return n.capture !== null || hasCapture(n.x)
		case 'rep': return hasCapture(n.x)
		default: return false
	}
}

// ---------------------------------------------------------------- compiler

const OP_ANY = 10, OP_CLASS = 11, OP_REP = 12, OP_SPLIT = 13, OP_JMP = 14, OP_SAVE = 15, OP_EOL = 16
const OP_SPLIT_LONG = 17, OP_JMP_LONG = 18

// A forward jump over `distance` bytes that follow the instruction itself.
function jump(op, longOp, distance) {
	if (distance + 2 <= 0xff) return [op, distance + 2]
	const off = distance + 3
	if (off > 0xffff) throw new Error('jump too long')
	return [longOp, off >> 8, off & 0xff]
}

function compile(src, { captures }) {
	const { ast, groups } = parseRegex(src)
	const atom = (mask) => {
		if (mask === 0x3ff) return [OP_ANY]
		if ((mask & (mask - 1)) === 0) return [31 - Math.clz32(mask)]
		return [OP_CLASS, mask & 0xff, mask >> 8]
	}
	const single = (n) => {
		while (n.t === 'group' && n.capture === null) {
			if (n.x.t === 'set') return n.x
			if (n.x.t === 'seq' && n.x.items.length === 1) n = n.x.items[0]
			else if (n.x.t === 'group') n = n.x
			else return null
		}
		return n.t === 'set' ? n : null
	}
	// Programs are built bottom-up so that every jump knows its distance.
	function emit(n) {
		switch (n.t) {
			case 'set':
				return atom(n.mask)
			case 'eol':
				return [OP_EOL]
			case 'seq':
				return n.items.flatMap(emit)
			case 'alt': {
				const branches = n.alts.map(emit)
				let tail = branches[branches.length - 1]
				for (let k = branches.length - 2; k >= 0; k--) {
					const jmp = jump(OP_JMP, OP_JMP_LONG, tail.length)
					const body = [...branches[k], ...jmp]
					tail = [...jump(OP_SPLIT, OP_SPLIT_LONG, body.length), ...body, ...tail]
				}
				return tail
			}
			case 'group': {
				const body = emit(n.x)
				if (!captures || n.capture === null) return body
				return [OP_SAVE, 2 * n.capture, ...body, OP_SAVE, 2 * n.capture + 1]
			}
			case 'rep': {
				const s = single(n.x)
				if (s) {
					if (n.min === 1 && n.max === 1) return atom(s.mask)
					return [OP_REP, n.min, n.max, ...atom(s.mask)]
				}
				// Groups under a quantifier are unrolled. JavaScript resets the
				// captures of a quantified group on every iteration and refuses
				// empty iterations; neither can be observed when the group never
				// matches empty and captures only under `?` (one iteration at most).
				if (nullable(n.x)) throw new Error(`quantified nullable group in /${src}/`)
				if (captures && n.max > 1 && hasCapture(n.x)) {
					throw new Error(`capture inside a repeated group in /${src}/`)
				}
				const x = emit(n.x)
				let optional = []
				for (let k = n.min; k < n.max; k++) {
					const body = [...x, ...optional]
					optional = [...jump(OP_SPLIT, OP_SPLIT_LONG, body.length), ...body]
				}
				const out = []
				for (let k = 0; k < n.min; k++) out.push(...x)
				return [...out, ...optional]
			}
		}
	}
	const code = emit(ast)
	if (code.length > 0xffff) throw new Error(`program too long: /${src}/`)
	if (groups > 4) throw new Error(`too many groups in /${src}/`)
	return { code, groups }
}

// ---------------------------------------------------------------- records

function lengthsMask(lengths, what) {
	if (!Array.isArray(lengths) || lengths.length === 0) throw new Error(`missing possible lengths for ${what}`)
	let mask = 0
	let prev = 0
	for (const l of lengths) {
		if (!Number.isInteger(l) || l < 1 || l > 23 || l <= prev) {
			throw new Error(`unsupported possible lengths ${JSON.stringify(lengths)} for ${what}`)
		}
		mask |= 1 << l
		prev = l
	}
	return mask
}

const bytes = []
const u8 = (v) => {
	if (!(v >= 0 && v <= 0xff)) throw new Error(`byte out of range: ${v}`)
	bytes.push(v)
}
const u16 = (v) => {
	if (!(v >= 0 && v <= 0xffff)) throw new Error(`u16 out of range: ${v}`)
	bytes.push(v >> 8, v & 0xff)
}
const u24 = (v) => bytes.push((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff)
const field = (arr) => {
	u16(arr.length)
	for (const b of arr) u8(b)
}
const program = (pattern, what, captures = false) => {
	if (!pattern) return { code: [], groups: 0 }
	try {
		return compile(pattern, { captures })
	} catch (e) {
		throw new Error(`${what}: ${e.message}`)
	}
}

function transformBytes(rule, groups, what) {
	if (!rule) return []
	const out = []
	for (let i = 0; i < rule.length; i++) {
		const c = rule[i]
		if (c >= '0' && c <= '9') out.push(c.charCodeAt(0))
		else if (c === '$' && rule[i + 1] >= '1' && rule[i + 1] <= '9' && !(rule[i + 2] >= '0' && rule[i + 2] <= '9')) {
			const g = +rule[++i]
			if (g > groups) throw new Error(`${what}: transform rule ${rule} refers to a missing group`)
			out.push(g)
		} else throw new Error(`${what}: unsupported transform rule ${JSON.stringify(rule)}`)
	}
	return out
}

const TYPE_COUNT = 10
let recordCount = 0
let typeCount = 0

function record(region, plan) {
	const what = region || `+${plan[0]}`
	const cc = +plan[0]
	if (!/^[1-9]\d{0,2}$/.test(plan[0])) throw new Error(`${what}: bad calling code`)
	for (const c of (region || '\0\0')) u8(c.charCodeAt(0))
	u16(cc)
	const lengths = lengthsMask(plan[3], what)
	u24(lengths)
	field(program(plan[1], `${what} IDD prefix`).code)
	// nationalPrefixForParsing() falls back to the national prefix.
	const npfpSource = plan[7] || plan[5] || ''
	const npfp = program(npfpSource, `${what} national prefix for parsing`, true)
	field(npfp.code)
	u8(npfp.groups)
	field(transformBytes(plan[8], npfp.groups, what))
	field(program(plan[2], `${what} national number pattern`).code)
	field(program(plan[10], `${what} leading digits`).code)
	// Types are only consulted for regions of a shared calling code that have
	// no leading digits (getCountryByNationalNumber → getNumberType).
	const shared = region && meta.country_calling_codes[plan[0]].length > 1 && !plan[10]
	const types = shared && plan[11] ? plan[11] : []
	if (shared && !plan[11]) throw new Error(`${what}: shared calling code without types`)
	if (types.length > TYPE_COUNT) throw new Error(`${what}: unexpected number of types`)
	const present = types.filter((t) => t && t[0])
	u8(present.length)
	for (const t of present) {
		u24(t[1] ? lengthsMask(t[1], `${what} type`) : lengths)
		field(program(t[0], `${what} type pattern`).code)
		typeCount++
	}
	recordCount++
}

const callingCodes = Object.keys(meta.country_calling_codes).sort((a, b) => +a - +b)
const seen = new Set()
for (const cc of callingCodes) {
	for (const region of meta.country_calling_codes[cc]) {
		if (!/^[A-Z]{2}$/.test(region)) throw new Error(`unexpected region ${region}`)
		const plan = meta.countries[region]
		if (!plan || plan[0] !== cc) throw new Error(`${region}: inconsistent calling code`)
		if (seen.has(region)) throw new Error(`${region} listed twice`)
		seen.add(region)
		record(region, plan)
	}
}
for (const region of Object.keys(meta.countries)) {
	if (!seen.has(region)) throw new Error(`${region} has no calling code entry`)
}
for (const cc of Object.keys(meta.nonGeographic).sort((a, b) => +a - +b)) {
	if (meta.country_calling_codes[cc]) throw new Error(`+${cc} is both geographic and not`)
	const plan = meta.nonGeographic[cc]
	if (plan[0] !== cc) throw new Error(`+${cc}: inconsistent non-geographic plan`)
	record(null, plan)
}

// ---------------------------------------------------------------- output

function rustBytes(arr) {
	const lines = []
	let line = '    b"'
	for (const b of arr) {
		let s
		if (b === 0x22) s = '\\"'
		else if (b === 0x5c) s = '\\\\'
		else if (b > 0x20 && b < 0x7f) s = String.fromCharCode(b)
		else s = '\\x' + b.toString(16).padStart(2, '0')
		if (line.length + s.length > 96) {
			lines.push(line + '\\')
			line = '    '
		}
		line += s
	}
	lines.push(line + '"')
	return lines.join('\n')
}

const out = `// @generated by scripts/gen-phone-metadata.mjs — DO NOT EDIT.
// Regenerate with \`node scripts/gen-phone-metadata.mjs\`; CI checks it with \`--check\`.
//
// Source: libphonenumber-js ${pkg.version}, metadata.min.json (metadata format
// version ${meta.version}; the file carries no metadata release date).
// libphonenumber-js is MIT licensed (Copyright (c) 2016 @catamphetamine);
// its metadata is derived from Google's libphonenumber
// (https://github.com/google/libphonenumber), Apache License 2.0.
//
// ${recordCount} numbering plans, ${typeCount} number-type patterns, ${bytes.length} bytes.
// Layout: see the comment at the top of scripts/gen-phone-metadata.mjs.

/// Numbering plans compiled for \`super::matcher\` (layout: scripts/gen-phone-metadata.mjs).
pub(super) static DATA: &[u8] =
${rustBytes(bytes)};
`

if (process.argv.includes('--check')) {
	let current = ''
	try {
		current = readFileSync(OUT, 'utf8')
	} catch {
		// treated as stale below
	}
	if (current !== out) {
		console.error(`${path.relative(root, OUT)} is out of date: run \`node scripts/gen-phone-metadata.mjs\``)
		process.exit(1)
	}
	console.log(`${path.relative(root, OUT)} is up to date (${bytes.length} bytes of tables)`)
} else {
	writeFileSync(OUT, out)
	console.log(`wrote ${path.relative(root, OUT)}: ${recordCount} plans, ${typeCount} type patterns, ${bytes.length} bytes`)
}
