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
            // Hanzi (GB/T 18284, a Chinese extension): 13-bit GB 2312 characters.
            0b1101 => {
                flush(&mut pending, &mut text, charset);
                let subset = bits.read(4)?;
                let count = bits.read([8, 10, 12][size])? as usize;
                hanzi(&mut bits, count, subset == 1, &mut text)?;
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

/// Hanzi characters: GB 2312 when `gb2312` (subset 1, the only one defined), else U+FFFD each.
fn hanzi(bits: &mut Bits, count: usize, gb2312: bool, text: &mut String) -> Option<()> {
    for _ in 0..count {
        let value = bits.read(13)?;
        let packed = ((value / 0x60) << 8) | (value % 0x60);
        let code = if packed < 0xa00 {
            packed + 0xa1a1
        } else {
            packed + 0xa6a1
        };
        let c = if gb2312 {
            charset::gb2312_char((code >> 8) as u8, code as u8)
        } else {
            None
        };
        text.push(c.unwrap_or('\u{fffd}'));
    }
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

#[cfg(test)]
mod tests {
    use super::decode;

    /// Builds a bit stream segment by segment, as an encoder would, padded to whole bytes.
    #[derive(Default)]
    struct Stream {
        bits: Vec<bool>,
    }

    impl Stream {
        fn put(mut self, value: u32, width: usize) -> Self {
            self.bits
                .extend((0..width).rev().map(|i| value >> i & 1 == 1));
            self
        }

        fn bytes(&self, mode: u32, bytes: &[u8]) -> Self {
            let mut s = Stream {
                bits: self.bits.clone(),
            }
            .put(mode, 4)
            .put(bytes.len() as u32, 8);
            for &b in bytes {
                s = s.put(u32::from(b), 8);
            }
            s
        }

        fn finish(self) -> Vec<u8> {
            let s = self.put(0, 4);
            s.bits
                .chunks(8)
                .map(|c| {
                    c.iter()
                        .enumerate()
                        .fold(0u8, |acc, (i, &b)| acc | u8::from(b) << (7 - i))
                })
                .collect()
        }
    }

    fn check(stream: Stream, expected: Option<&str>) {
        assert_eq!(decode(&stream.finish(), 1).as_deref(), expected);
    }

    #[test]
    fn numeric_and_alphanumeric() {
        // "01234567": 012, 345, 67.
        let s = Stream::default()
            .put(0b0001, 4)
            .put(8, 10)
            .put(12, 10)
            .put(345, 10)
            .put(67, 7);
        check(s, Some("01234567"));
        // "AC-42": AC, -4, 2.
        let s = Stream::default()
            .put(0b0010, 4)
            .put(5, 9)
            .put(10 * 45 + 12, 11)
            .put(41 * 45 + 4, 11)
            .put(2, 6);
        check(s, Some("AC-42"));
    }

    #[test]
    fn eci_switches_the_character_set_of_byte_segments() {
        let eci = |n: u32| Stream::default().put(0b0111, 4).put(n, 8);
        check(eci(26).bytes(0b0100, "é".as_bytes()), Some("é"));
        check(eci(3).bytes(0b0100, b"caf\xe9"), Some("café"));
        check(eci(20).bytes(0b0100, b"\x82\xa0"), Some("あ"));
        // A character set the reader does not carry: ASCII kept, the rest replaced, nothing dropped.
        check(eci(4).bytes(0b0100, b"a\xe9b"), Some("a\u{fffd}b"));
    }

    #[test]
    fn a_utf8_character_split_between_byte_segments_survives() {
        let bytes = "ü".as_bytes();
        let s = Stream::default()
            .bytes(0b0100, &bytes[..1])
            .bytes(0b0100, &bytes[1..]);
        check(s, Some("ü"));
    }

    #[test]
    fn kanji_mode_reads_shift_jis() {
        // 点 is 0x935F in Shift_JIS: minus 0x8140, then high byte * 0xC0 + low byte, in 13 bits.
        let value = (0x935f - 0x8140) / 0x100 * 0xc0 + (0x935f - 0x8140) % 0x100;
        check(
            Stream::default().put(0b1000, 4).put(1, 8).put(value, 13),
            Some("点"),
        );
    }

    #[test]
    fn structured_append_header_is_skipped() {
        let s = Stream::default()
            .put(0b0011, 4)
            .put(0x12, 8)
            .put(0x34, 8)
            .bytes(0b0100, b"part");
        check(s, Some("part"));
    }

    #[test]
    fn malformed_streams_are_refused() {
        // A digit triple over 999.
        check(
            Stream::default().put(0b0001, 4).put(3, 10).put(1000, 10),
            None,
        );
        // A count longer than the data.
        check(
            Stream::default().put(0b0100, 4).put(200, 8).put(0x41, 8),
            None,
        );
        // An undefined mode.
        check(Stream::default().put(0b1111, 4), None);
    }
}
