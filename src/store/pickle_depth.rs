//! How deeply a pickle nests, found by walking its opcodes without building anything.
//!
//! A few hundred bytes of pickle (`((((...tttt`) can nest a million levels; decoding
//! and dropping such a value recurses once per level and overflows any thread's stack,
//! taking the whole process down. Walking the opcodes first, with an explicit stack of
//! depths, bounds what the decoder is ever handed.

use std::collections::HashMap;

/// Why a pickle was refused before decoding.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum DepthError {
    #[error("it nests deeper than {0} levels")]
    TooDeep(usize),
    #[error("it is cut short or malformed ({0})")]
    Malformed(&'static str),
}

/// What the walker keeps per stack slot: a value's nesting depth, or a MARK.
#[derive(Clone, Copy)]
enum Slot {
    Value(usize),
    Mark,
}

struct Walk<'a> {
    bytes: &'a [u8],
    at: usize,
    stack: Vec<Slot>,
    memo: HashMap<u64, usize>,
    limit: usize,
}

impl Walk<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DepthError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(DepthError::Malformed("an argument runs past the end"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn uint(&mut self, n: usize) -> Result<u64, DepthError> {
        let b = self.take(n)?;
        Ok(b.iter().rev().fold(0u64, |v, x| (v << 8) | u64::from(*x)))
    }

    /// Skips `width` bytes of length, then that many bytes of data.
    fn counted(&mut self, width: usize) -> Result<(), DepthError> {
        let n = usize::try_from(self.uint(width)?)
            .map_err(|_| DepthError::Malformed("a length too large"))?;
        self.take(n).map(|_| ())
    }

    fn line(&mut self) -> Result<(), DepthError> {
        let rest = &self.bytes[self.at..];
        let nl = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or(DepthError::Malformed("a line without its end"))?;
        self.at += nl + 1;
        Ok(())
    }

    fn push(&mut self, depth: usize) -> Result<(), DepthError> {
        if depth > self.limit {
            return Err(DepthError::TooDeep(self.limit));
        }
        self.stack.push(Slot::Value(depth));
        Ok(())
    }

    fn pop(&mut self) -> Result<usize, DepthError> {
        match self.stack.pop() {
            Some(Slot::Value(d)) => Ok(d),
            _ => Err(DepthError::Malformed("a value is missing")),
        }
    }

    /// Pops down to the last MARK; the deepest value popped.
    fn pop_mark(&mut self) -> Result<usize, DepthError> {
        let mut deepest = 0;
        loop {
            match self.stack.pop() {
                Some(Slot::Value(d)) => deepest = deepest.max(d),
                Some(Slot::Mark) => return Ok(deepest),
                None => return Err(DepthError::Malformed("a MARK is missing")),
            }
        }
    }

    /// A container on top of the stack now holds a value `inner` deep.
    fn fill_top(&mut self, inner: usize) -> Result<(), DepthError> {
        let top = self.pop()?;
        self.push(top.max(inner + 1))
    }
}

/// Checks that `bytes`, a pickle, nests no deeper than `limit`.
///
/// # Errors
/// [`DepthError::TooDeep`] past the limit; [`DepthError::Malformed`] when the opcodes
/// cannot be followed (the decoder would refuse those too).
pub fn check(bytes: &[u8], limit: usize) -> Result<(), DepthError> {
    let mut w = Walk {
        bytes,
        at: 0,
        stack: Vec::new(),
        memo: HashMap::new(),
        limit,
    };
    while w.at < bytes.len() {
        let op = bytes[w.at];
        w.at += 1;
        match op {
            b'.' => return Ok(()),
            b'(' => w.stack.push(Slot::Mark),
            // Scalars, one per opcode, with their arguments.
            b'N' | 0x88 | 0x89 => w.push(0)?,
            b'J' => {
                w.take(4)?;
                w.push(0)?
            }
            b'K' => {
                w.take(1)?;
                w.push(0)?
            }
            b'M' => {
                w.take(2)?;
                w.push(0)?
            }
            b'G' => {
                w.take(8)?;
                w.push(0)?
            }
            b'F' | b'I' | b'L' | b'S' | b'V' => {
                w.line()?;
                w.push(0)?
            }
            b'T' | b'X' | b'B' => {
                w.counted(4)?;
                w.push(0)?
            }
            b'U' | b'C' | 0x8c => {
                w.counted(1)?;
                w.push(0)?
            }
            0x8a => {
                w.counted(1)?;
                w.push(0)?
            }
            0x8b => {
                w.counted(4)?;
                w.push(0)?
            }
            0x8d | 0x8e | 0x96 => {
                w.counted(8)?;
                w.push(0)?
            }
            b'c' => {
                w.line()?;
                w.line()?;
                w.push(0)?
            }
            b'i' => {
                w.line()?;
                w.line()?;
                let d = w.pop_mark()?;
                w.push(d + 1)?;
            }
            0x82 => {
                w.take(1)?;
                w.push(0)?
            }
            0x83 => {
                w.take(2)?;
                w.push(0)?
            }
            0x84 => {
                w.take(4)?;
                w.push(0)?
            }
            b'P' => {
                w.line()?;
                w.push(0)?
            }
            0x97 => w.push(0)?,
            0x98 | b'Q' => {}
            // Empty containers.
            b')' | b']' | b'}' | 0x8f => w.push(1)?,
            // Containers built from what was pushed since the MARK.
            b't' | b'l' | b'd' | 0x91 | b'o' => {
                let d = w.pop_mark()?;
                w.push(d + 1)?;
            }
            0x85..=0x87 => {
                let n = usize::from(op - 0x84);
                let mut d = 0;
                for _ in 0..n {
                    d = d.max(w.pop()?);
                }
                w.push(d + 1)?;
            }
            // Adding to the container below.
            b'a' => {
                let v = w.pop()?;
                w.fill_top(v)?;
            }
            b's' => {
                let v = w.pop()?;
                let k = w.pop()?;
                w.fill_top(v.max(k))?;
            }
            b'e' | b'u' | 0x90 => {
                let d = w.pop_mark()?;
                w.fill_top(d)?;
            }
            // Calls: the result holds its arguments.
            b'R' | 0x81 | b'b' => {
                let a = w.pop()?;
                w.fill_top(a)?;
            }
            0x92 => {
                let kw = w.pop()?;
                let args = w.pop()?;
                w.fill_top(kw.max(args))?;
            }
            0x93 => {
                w.pop()?;
                w.pop()?;
                w.push(0)?;
            }
            b'0' => {
                w.stack.pop();
            }
            b'1' => {
                w.pop_mark()?;
            }
            b'2' => {
                let d = w.pop()?;
                w.push(d)?;
                w.push(d)?;
            }
            // Memo: a reference to a value stored earlier has that value's depth.
            b'p' => {
                w.line()?;
            }
            b'q' => {
                let i = w.uint(1)?;
                let d = w.pop()?;
                w.memo.insert(i, d);
                w.push(d)?;
            }
            b'r' => {
                let i = w.uint(4)?;
                let d = w.pop()?;
                w.memo.insert(i, d);
                w.push(d)?;
            }
            0x94 => {
                let i = w.memo.len() as u64;
                let d = w.pop()?;
                w.memo.insert(i, d);
                w.push(d)?;
            }
            b'g' => {
                w.line()?;
                w.push(0)?
            }
            b'h' | b'j' => {
                let i = w.uint(if op == b'h' { 1 } else { 4 })?;
                let d = w.memo.get(&i).copied().unwrap_or(0);
                w.push(d)?;
            }
            0x80 => {
                w.take(1)?;
            }
            0x95 => {
                w.take(8)?;
            }
            _ => return Err(DepthError::Malformed("an unknown opcode")),
        }
    }
    Err(DepthError::Malformed("no STOP opcode"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_tuples(depth: usize) -> Vec<u8> {
        let mut p = b"\x80\x02".to_vec();
        p.extend(std::iter::repeat_n(b'(', depth));
        p.push(b')');
        p.extend(std::iter::repeat_n(b't', depth));
        p.push(b'.');
        p
    }

    #[test]
    fn depth_is_found_without_decoding() {
        assert_eq!(check(&nested_tuples(100), 200), Ok(()));
        assert_eq!(
            check(&nested_tuples(300_000), 200),
            Err(DepthError::TooDeep(200))
        );
        // 1-tuples without MARKs, and lists nested through APPEND.
        let mut p = b"\x80\x02)".to_vec();
        p.extend(std::iter::repeat_n(0x85u8, 1000));
        p.push(b'.');
        assert!(matches!(check(&p, 200), Err(DepthError::TooDeep(_))));
        let mut p = b"\x80\x02".to_vec();
        p.extend(std::iter::repeat_n(b']', 1000));
        p.extend(std::iter::repeat_n(b'a', 999));
        p.push(b'.');
        assert!(matches!(check(&p, 200), Err(DepthError::TooDeep(_))));
        p.truncate(2);
        p.extend(std::iter::repeat_n(b']', 100));
        p.extend(std::iter::repeat_n(b'a', 99));
        p.push(b'.');
        assert_eq!(check(&p, 200), Ok(()));
        assert!(matches!(
            check(b"\x80\x02(", 200),
            Err(DepthError::Malformed(_))
        ));
        assert!(matches!(
            check(b"X\xff\xff\xff\xff", 200),
            Err(DepthError::Malformed(_))
        ));
    }

    #[test]
    fn real_pickles_pass() {
        // Python RQ's pickle of ('tasks.add', None, (1, 2), {'c': 3}), protocol 5.
        let hex = "8005952000000000000000288c097461736b732e616464944e4b014b0286947d948c0163944b037374942e";
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        assert_eq!(check(&bytes, 50), Ok(()));
    }
}
