//! The data bit stream: segments of numeric, alphanumeric, byte and Kanji mode, ECI designators
//! switching the character set of later byte segments, FNC1 markers, and structured-append headers
//! (skipped: each symbol of a sequence reads as its own text).

use crate::charset::{self, Charset};

/// Reads bits most significant first.
struct Bits<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Bits<'_> {
    fn remaining(&self) -> usize {
        (self.bytes.len() * 8).saturating_sub(self.position)
    }

    /// The next `n` (at most 32) bits, or `None` past the end.
    fn read(&mut self, n: usize) -> Option<u32> {
        if n > 32 || n > self.remaining() {
            return None;
        }
        let mut value = 0u32;
        for _ in 0..n {
            let byte = self.bytes[self.position / 8];
            let bit = (byte >> (7 - self.position % 8)) & 1;
            value = (value << 1) | u32::from(bit);
            self.position += 1;
        }
        Some(value)
    }
}

const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Decodes the corrected data codewords of a symbol of `version` into its text, or `None` when
/// the stream is malformed (a count longer than the data, a digit triple over 999, ...).
pub(crate) fn decode(data: &[u8], version: usize) -> Option<String> {
    let mut bits = Bits {
        bytes: data,
        position: 0,
    };
    // Character-count lengths grow with the version: 1-9, 10-26, 27-40.
    let size = match version {
        0..=9 => 0,
        10..=26 => 1,
        _ => 2,
    };
    let mut text = String::new();
    let mut charset = Charset::Guess;
    let mut fnc1 = false;
    // Adjacent byte segments in one character set are decoded together: a UTF-8 character may be
    // split between them.
    let mut pending: Vec<u8> = Vec::new();
    let flush = |pending: &mut Vec<u8>, text: &mut String, charset: Charset| {
        if !pending.is_empty() {
            text.push_str(&charset::decode(pending, charset));
            pending.clear();
        }
    };
    while bits.remaining() >= 4 {
        let mode = bits.read(4)?;
        match mode {
            0b0000 => break,
            0b0001 => {
                flush(&mut pending, &mut text, charset);
                let count = bits.read([10, 12, 14][size])? as usize;
                numeric(&mut bits, count, &mut text)?;
            }
            0b0010 => {
                flush(&mut pending, &mut text, charset);
                let count = bits.read([9, 11, 13][size])? as usize;
                alphanumeric(&mut bits, count, fnc1, &mut text)?;
            }
            0b0100 => {
                let count = bits.read([8, 16, 16][size])? as usize;
                for _ in 0..count {
                    pending.push(bits.read(8)? as u8);
                }
            }
            0b1000 => {
                flush(&mut pending, &mut text, charset);
                let count = bits.read([8, 10, 12][size])? as usize;
                kanji(&mut bits, count, &mut text)?;
            }
            0b0111 => {
                flush(&mut pending, &mut text, charset);
                charset = Charset::from_eci(eci(&mut bits)?);
            }
            // Structured append: symbol index, count and parity; this symbol's text stands alone.
            0b0011 => {
                bits.read(16)?;
            }
            0b0101 => fnc1 = true,
            // FNC1 in second position carries an application indicator.
            0b1001 => {
                bits.read(8)?;
                fnc1 = true;
            }
            // Hanzi (GB 2312, a Chinese extension): read by its 13-bit characters, lossily.
            0b1101 => {
                flush(&mut pending, &mut text, charset);
                let _subset = bits.read(4)?;
                let count = bits.read([8, 10, 12][size])? as usize;
                for _ in 0..count {
                    bits.read(13)?;
                    text.push('\u{fffd}');
                }
            }
            _ => return None,
        }
    }
    flush(&mut pending, &mut text, charset);
    Some(text)
}

fn eci(bits: &mut Bits) -> Option<u32> {
    let first = bits.read(8)?;
    if first & 0x80 == 0 {
        Some(first)
    } else if first & 0xc0 == 0x80 {
        Some(((first & 0x3f) << 8) | bits.read(8)?)
    } else if first & 0xe0 == 0xc0 {
        Some(((first & 0x1f) << 16) | bits.read(16)?)
    } else {
        None
    }
}

fn numeric(bits: &mut Bits, mut count: usize, text: &mut String) -> Option<()> {
    let push_digits = |value: u32, digits: usize, text: &mut String| {
        let limit = 10u32.pow(digits as u32);
        if value >= limit {
            return None;
        }
        text.push_str(&format!("{value:0digits$}"));
        Some(())
    };
    while count >= 3 {
        push_digits(bits.read(10)?, 3, text)?;
        count -= 3;
    }
    match count {
        2 => push_digits(bits.read(7)?, 2, text),
        1 => push_digits(bits.read(4)?, 1, text),
        _ => Some(()),
    }
}

fn alphanumeric(bits: &mut Bits, mut count: usize, fnc1: bool, text: &mut String) -> Option<()> {
    let mut chars = String::new();
    let char_at = |i: u32| ALPHANUMERIC.get(i as usize).map(|&c| char::from(c));
    while count >= 2 {
        let pair = bits.read(11)?;
        chars.push(char_at(pair / 45)?);
        chars.push(char_at(pair % 45)?);
        count -= 2;
    }
    if count == 1 {
        chars.push(char_at(bits.read(6)?)?);
    }
    if fnc1 {
        // In GS1 data "%" stands for the group separator and "%%" for a percent sign.
        chars = chars
            .replace("%%", "\u{0}")
            .replace('%', "\u{1d}")
            .replace('\u{0}', "%");
    }
    text.push_str(&chars);
    Some(())
}

fn kanji(bits: &mut Bits, count: usize, text: &mut String) -> Option<()> {
    let mut bytes = Vec::with_capacity(2 * count);
    for _ in 0..count {
        let value = bits.read(13)?;
        let packed = ((value / 0xc0) << 8) | (value % 0xc0);
        let shift_jis = if packed < 0x1f00 {
            packed + 0x8140
        } else {
            packed + 0xc140
        };
        bytes.push((shift_jis >> 8) as u8);
        bytes.push(shift_jis as u8);
    }
    text.push_str(&charset::decode_shift_jis(&bytes).0);
    Some(())
}
