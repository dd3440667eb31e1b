//! Interpreter for the regular-expression bytecode of `metadata.rs`.
//!
//! The metadata's patterns only ever run on ASCII digit strings, so a
//! character class is a 10-bit mask. `scripts/gen-phone-metadata.mjs` compiles
//! each pattern (and documents the opcodes); this module runs a program with
//! JavaScript's backtracking priorities (greedy quantifiers, alternatives in
//! order, leftmost-first captures) so that prefix matches and capture groups
//! come out exactly as libphonenumber-js sees them. Every `(instruction,
//! position)` pair is explored at most once (like RE2's "bit state" engine), so
//! the run time is bounded by program length × input length whatever the input.

use alloc::vec;
use alloc::vec::Vec;

const ANY: u8 = 10;
const CLASS: u8 = 11;
const REP: u8 = 12;
const SPLIT: u8 = 13;
const JMP: u8 = 14;
const SAVE: u8 = 15;
const EOL: u8 = 16;
const SPLIT_LONG: u8 = 17;
const JMP_LONG: u8 = 18;

/// Capture slot value of a group that did not participate in the match.
pub(super) const UNSET: usize = usize::MAX;

enum Job {
    Run(usize, usize),
    Restore(usize, usize),
}

/// Decodes the one-digit atom at `pc`: its digit mask and its encoded length.
fn atom(prog: &[u8], pc: usize) -> Option<(u16, usize)> {
    match *prog.get(pc)? {
        d @ 0..=9 => Some((1 << d, 1)),
        ANY => Some((0x3ff, 1)),
        CLASS => Some((
            u16::from(*prog.get(pc + 1)?) | u16::from(*prog.get(pc + 2)?) << 8,
            3,
        )),
        _ => None,
    }
}

fn hit(mask: u16, c: Option<&u8>) -> bool {
    match c {
        Some(&c) => {
            let d = c.wrapping_sub(b'0');
            d < 10 && mask >> d & 1 == 1
        }
        None => false,
    }
}

/// Decodes a jump at `pc`: its target and the length of the instruction.
fn jump(prog: &[u8], pc: usize, long: bool) -> Option<(usize, usize)> {
    let hi = usize::from(*prog.get(pc + 1)?);
    if long {
        Some((pc + (hi << 8 | usize::from(*prog.get(pc + 2)?)), 3))
    } else {
        Some((pc + hi, 2))
    }
}

/// Runs `prog` anchored at the start of `input` (ASCII digits).
///
/// With `full`, the match must end at the end of `input` (`^(?:p)$`);
/// otherwise the first match in priority order wins (`^(?:p)`), as with
/// JavaScript's `exec`. Returns the end of the match; `caps` receives the
/// capture slots (`UNSET` when a group did not participate).
pub(super) fn run(prog: &[u8], input: &[u8], full: bool, caps: &mut [usize]) -> Option<usize> {
    caps.fill(UNSET);
    let n = input.len();
    let width = n + 1;
    let mut seen = vec![0u64; (prog.len() * width).div_ceil(64)];
    let mut stack = Vec::with_capacity(16);
    stack.push(Job::Run(0, 0));
    while let Some(job) = stack.pop() {
        let (mut pc, mut pos) = match job {
            Job::Restore(slot, value) => {
                if let Some(c) = caps.get_mut(slot) {
                    *c = value;
                }
                continue;
            }
            Job::Run(pc, pos) => (pc, pos),
        };
        loop {
            let Some(&op) = prog.get(pc) else {
                if !full || pos == n {
                    return Some(pos);
                }
                break;
            };
            let bit = pc * width + pos;
            let Some(word) = seen.get_mut(bit / 64) else {
                break;
            };
            if *word >> (bit % 64) & 1 == 1 {
                break;
            }
            *word |= 1 << (bit % 64);
            match op {
                REP => {
                    let (Some(&min), Some(&max), Some((mask, len))) =
                        (prog.get(pc + 1), prog.get(pc + 2), atom(prog, pc + 3))
                    else {
                        break;
                    };
                    let (min, max) = (usize::from(min), usize::from(max));
                    let next = pc + 3 + len;
                    let mut k = 0;
                    while k < max && hit(mask, input.get(pos + k)) {
                        k += 1;
                    }
                    if k < min {
                        break;
                    }
                    // Greedy: the longest run is tried first, shorter ones on backtrack.
                    for j in min..k {
                        stack.push(Job::Run(next, pos + j));
                    }
                    pc = next;
                    pos += k;
                }
                SPLIT | SPLIT_LONG => {
                    let Some((alt, len)) = jump(prog, pc, op == SPLIT_LONG) else {
                        break;
                    };
                    stack.push(Job::Run(alt, pos));
                    pc += len;
                }
                JMP | JMP_LONG => {
                    let Some((to, _)) = jump(prog, pc, op == JMP_LONG) else {
                        break;
                    };
                    pc = to;
                }
                SAVE => {
                    let Some(&slot) = prog.get(pc + 1) else { break };
                    let slot = usize::from(slot);
                    if let Some(c) = caps.get_mut(slot) {
                        stack.push(Job::Restore(slot, *c));
                        *c = pos;
                    }
                    pc += 2;
                }
                EOL => {
                    if pos != n {
                        break;
                    }
                    pc += 1;
                }
                _ => {
                    let Some((mask, len)) = atom(prog, pc) else {
                        break;
                    };
                    if !hit(mask, input.get(pos)) {
                        break;
                    }
                    pc += len;
                    pos += 1;
                }
            }
        }
    }
    None
}

/// `^(?:p)$`
pub(super) fn full(prog: &[u8], input: &str) -> bool {
    run(prog, input.as_bytes(), true, &mut []).is_some()
}

/// Length of the `^(?:p)` match, if any.
pub(super) fn prefix(prog: &[u8], input: &str) -> Option<usize> {
    run(prog, input.as_bytes(), false, &mut [])
}
