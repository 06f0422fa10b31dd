//! Base41: RFC 9285 Base45 without the four symbols that break URLs (space, `%`, `+`, `/`). Like Base45 it turns
//! 2 bytes into 3 symbols (41^3 = 68921 > 65536), least significant symbol first, and every symbol is in the QR
//! alphanumeric set, so a deep link stays in the dense alphanumeric mode from `HTTPS://` to the last symbol.

use crate::error::{Error, ErrorKind, Result};

/// The 41 symbols, value = index.
pub const ALPHABET: &[u8; 41] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*-.:";

/// The length of the Base41 text for `n` bytes.
pub const fn encoded_len(n: usize) -> usize {
    n / 2 * 3 + n % 2 * 2
}

/// Encodes bytes: each pair `(a, b)` as `n = a*256 + b` written `n % 41, n / 41 % 41, n / 1681`; a last single byte
/// `n` as `n % 41, n / 41`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(encoded_len(bytes.len()));
    let sym = |v: u32| char::from(ALPHABET[v as usize]);
    for chunk in bytes.chunks(2) {
        match *chunk {
            [a, b] => {
                let n = u32::from(a) * 256 + u32::from(b);
                out.push(sym(n % 41));
                out.push(sym(n / 41 % 41));
                out.push(sym(n / 1681));
            }
            [a] => {
                let n = u32::from(a);
                out.push(sym(n % 41));
                out.push(sym(n / 41));
            }
            _ => {}
        }
    }
    out
}

fn value(c: u8, position: usize) -> Result<u32> {
    let c = c.to_ascii_uppercase();
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|v| v as u32)
        .ok_or_else(|| {
            let shown = if c.is_ascii_graphic() {
                format!("'{}'", char::from(c))
            } else {
                format!("byte 0x{c:02X}")
            };
            Error::at(
                ErrorKind::BadSymbol,
                position,
                format!("character {position} ({shown}) is not a token symbol"),
            )
        })
}

/// Decodes one group of 2 or 3 symbols starting at `offset` (0-based) into 1 or 2 bytes. Lower case is read as upper
/// case (some scanners lower-case URLs). Positions in errors are 1-based characters of `text` plus `offset`.
fn decode_group(group: &[u8], offset: usize, out: &mut Vec<u8>) -> Result<()> {
    match *group {
        [c0, c1, c2] => {
            let n = value(c0, offset + 1)?
                + value(c1, offset + 2)? * 41
                + value(c2, offset + 3)? * 1681;
            if n > 0xFFFF {
                return Err(Error::at(
                    ErrorKind::BadFormat,
                    offset + 1,
                    format!(
                        "symbols {}-{} do not encode two bytes",
                        offset + 1,
                        offset + 3
                    ),
                ));
            }
            out.push((n >> 8) as u8);
            out.push(n as u8);
        }
        [c0, c1] => {
            let n = value(c0, offset + 1)? + value(c1, offset + 2)? * 41;
            if n > 0xFF {
                // Two symbols that do not make a byte are the start of a group of three that was cut off.
                return Err(Error::at(
                    ErrorKind::Truncated,
                    offset + 3,
                    "the token text ends in the middle of a group of symbols",
                ));
            }
            out.push(n as u8);
        }
        _ => {
            return Err(Error::at(
                ErrorKind::Truncated,
                offset + 1,
                "the token text ends in the middle of a group of symbols",
            ));
        }
    }
    Ok(())
}

/// Decodes the first `max_groups` groups only (used to read the format version before anything else).
pub fn decode_prefix(text: &[u8], max_groups: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len().div_ceil(3).min(max_groups) * 2);
    for (i, group) in text.chunks(3).take(max_groups).enumerate() {
        decode_group(group, i * 3, &mut out)?;
    }
    Ok(out)
}

/// Decodes a whole Base41 text; `truncated` if it ends after a single symbol of a group.
pub fn decode(text: &[u8]) -> Result<Vec<u8>> {
    decode_prefix(text, usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_pair_and_byte() {
        for n in 0..=0xFFFFu32 {
            let bytes = [(n >> 8) as u8, n as u8];
            assert_eq!(decode(encode(&bytes).as_bytes()).unwrap(), bytes);
        }
        for b in 0..=255u8 {
            assert_eq!(decode(encode(&[b]).as_bytes()).unwrap(), [b]);
        }
    }

    #[test]
    fn rejects_out_of_range_groups() {
        // ":::" = 40 + 40*41 + 40*1681 = 68920 > 65535; ":6" = 40 + 6*41 = 286 > 255.
        assert_eq!(decode(b":::").unwrap_err().code(), "bad_format");
        assert_eq!(decode(b":6").unwrap_err().code(), "truncated");
        assert_eq!(decode(b"A").unwrap_err().code(), "truncated");
        assert_eq!(decode(b"A/B").unwrap_err().position(), Some(2));
    }
}
