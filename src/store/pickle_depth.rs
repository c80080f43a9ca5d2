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

/// What follows a scalar opcode before the next opcode.
#[derive(Clone, Copy)]
enum Arg {
    None,
    Fixed(usize),
    /// Text up to a newline; GLOBAL (`c`) has two such lines.
    Lines(usize),
    /// A little-endian length of this many bytes, then that many bytes.
    Counted(usize),
}

/// The argument of an opcode that pushes one scalar (depth 0), or None for any other.
fn scalar(op: u8) -> Option<Arg> {
    Some(match op {
        b'N' | 0x88 | 0x89 | 0x97 => Arg::None,
        b'K' | 0x82 => Arg::Fixed(1),
        b'M' | 0x83 => Arg::Fixed(2),
        b'J' | 0x84 => Arg::Fixed(4),
        b'G' => Arg::Fixed(8),
        b'F' | b'I' | b'L' | b'S' | b'V' | b'P' | b'g' => Arg::Lines(1),
        b'c' => Arg::Lines(2),
        b'U' | b'C' | 0x8c | 0x8a => Arg::Counted(1),
        b'T' | b'X' | b'B' | 0x8b => Arg::Counted(4),
        0x8d | 0x8e | 0x96 => Arg::Counted(8),
        _ => return None,
    })
}

impl Walk<'_> {
    fn skip(&mut self, arg: Arg) -> Result<(), DepthError> {
        match arg {
            Arg::None => Ok(()),
            Arg::Fixed(n) => self.take(n).map(|_| ()),
            Arg::Lines(n) => (0..n).try_for_each(|_| self.line()),
            Arg::Counted(width) => self.counted(width),
        }
    }

    /// Follows one opcode that builds, fills, calls, memoizes or frames: anything but
    /// a scalar and STOP.
    fn structural(&mut self, op: u8) -> Result<(), DepthError> {
        match op {
            b'(' => self.stack.push(Slot::Mark),
            b'i' => {
                self.line()?;
                self.line()?;
                let d = self.pop_mark()?;
                self.push(d + 1)?;
            }
            0x98 | b'Q' => {}
            // Empty containers.
            b')' | b']' | b'}' | 0x8f => self.push(1)?,
            // Containers built from what was pushed since the MARK.
            b't' | b'l' | b'd' | 0x91 | b'o' => {
                let d = self.pop_mark()?;
                self.push(d + 1)?;
            }
            0x85..=0x87 => {
                let mut d = 0;
                for _ in 0..op - 0x84 {
                    d = d.max(self.pop()?);
                }
                self.push(d + 1)?;
            }
            // Adding to the container below.
            b'a' => {
                let v = self.pop()?;
                self.fill_top(v)?;
            }
            b's' => {
                let v = self.pop()?;
                let k = self.pop()?;
                self.fill_top(v.max(k))?;
            }
            b'e' | b'u' | 0x90 => {
                let d = self.pop_mark()?;
                self.fill_top(d)?;
            }
            // Calls: the result holds its arguments.
            b'R' | 0x81 | b'b' => {
                let a = self.pop()?;
                self.fill_top(a)?;
            }
            0x92 => {
                let kw = self.pop()?;
                let args = self.pop()?;
                self.fill_top(kw.max(args))?;
            }
            0x93 => {
                self.pop()?;
                self.pop()?;
                self.push(0)?;
            }
            b'0' => {
                self.stack.pop();
            }
            b'1' => {
                self.pop_mark()?;
            }
            b'2' => {
                let d = self.pop()?;
                self.push(d)?;
                self.push(d)?;
            }
            // Memo: a reference to a value stored earlier has that value's depth.
            b'p' => self.line()?,
            b'q' | b'r' | 0x94 => {
                let i = match op {
                    b'q' => self.uint(1)?,
                    b'r' => self.uint(4)?,
                    _ => self.memo.len() as u64,
                };
                let d = self.pop()?;
                self.memo.insert(i, d);
                self.push(d)?;
            }
            b'h' | b'j' => {
                let i = self.uint(if op == b'h' { 1 } else { 4 })?;
                let d = self.memo.get(&i).copied().unwrap_or(0);
                self.push(d)?;
            }
            // PROTO and FRAME.
            0x80 => {
                self.take(1)?;
            }
            0x95 => {
                self.take(8)?;
            }
            _ => return Err(DepthError::Malformed("an unknown opcode")),
        }
        Ok(())
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
        if op == b'.' {
            return Ok(());
        }
        match scalar(op) {
            Some(arg) => {
                w.skip(arg)?;
                w.push(0)?;
            }
            None => w.structural(op)?,
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
