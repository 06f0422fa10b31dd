//! Hex text to bytes, strictly: pairs of `0-9`, `a-f` or `A-F`, nothing else. The one decoder the wire formats use
//! (offline bundle keys, code hashes, device certificates), so no caller reads `"+f"` as 15, as
//! `u8::from_str_radix` does, or a space, a sign or a `0x` prefix as part of a number.

use crate::error::{Error, ErrorKind, Result};

/// The value of one hex digit, or `None` for any other byte (signs and spaces included).
const fn digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Reads hex text of any even length (either case) into bytes.
///
/// Errors: [`ErrorKind::BadLength`] for an odd number of characters, [`ErrorKind::BadSymbol`] at the 1-based
/// position of the first character that is not a hex digit (a byte position: the text is ASCII when valid).
pub fn decode(text: &str) -> Result<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(Error::new(
            ErrorKind::BadLength,
            "hex text has an odd number of digits",
        ));
    }
    digits
        .chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| {
            let at = |offset: usize| {
                Error::at(
                    ErrorKind::BadSymbol,
                    2 * i + offset + 1,
                    "hex text holds a character that is not a hex digit",
                )
            };
            let high = digit(pair[0]).ok_or_else(|| at(0))?;
            let low = digit(pair[1]).ok_or_else(|| at(1))?;
            Ok(high << 4 | low)
        })
        .collect()
}

/// Reads exactly `N` bytes of hex text (`2 * N` digits, either case).
///
/// Errors: as [`decode`], and [`ErrorKind::BadLength`] for any other number of digits.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N]> {
    if text.len() != 2 * N {
        return Err(Error::new(
            ErrorKind::BadLength,
            format!("hex text of {N} bytes has {} digits", 2 * N),
        ));
    }
    let bytes = decode(text)?;
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes);
    Ok(out)
}

/// Lower-case hex of `bytes`, two digits a byte: what [`decode`] reads back.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{decode, decode_array, encode};
    use crate::ErrorKind;

    #[test]
    fn reads_pairs_of_either_case() {
        assert_eq!(decode(""), Ok(vec![]));
        assert_eq!(decode("00ff7Fa0"), Ok(vec![0x00, 0xff, 0x7f, 0xa0]));
        assert_eq!(decode_array::<2>("BeEf"), Ok([0xbe, 0xef]));
        assert_eq!(encode(&[0x00, 0xab, 0x7f]), "00ab7f");
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)), Ok(all.clone()));
        assert_eq!(decode(&encode(&all).to_uppercase()), Ok(all));
    }

    #[test]
    fn refuses_signs_that_from_str_radix_would_take() {
        // `u8::from_str_radix("+f", 16)` is Ok(15): the bug this module replaces.
        for text in [
            "+f", "-f", "+0", "0+", " f", "f ", "0x", "\u{e9}", "g0", "0G",
        ] {
            let error = decode(text).expect_err(text);
            assert_eq!(error.kind(), ErrorKind::BadSymbol, "{text:?}");
        }
        assert_eq!(decode("+f").unwrap_err().position(), Some(1));
        assert_eq!(decode("0a-f").unwrap_err().position(), Some(3));
        assert_eq!(decode("0af+").unwrap_err().position(), Some(4));
        assert_eq!(
            decode_array::<1>("+f").unwrap_err().kind(),
            ErrorKind::BadSymbol
        );
    }

    #[test]
    fn refuses_odd_and_wrong_lengths() {
        for text in ["f", "abc", "0123456"] {
            assert_eq!(
                decode(text).unwrap_err().kind(),
                ErrorKind::BadLength,
                "{text:?}"
            );
        }
        assert_eq!(
            decode_array::<2>("abc").unwrap_err().kind(),
            ErrorKind::BadLength
        );
        assert_eq!(
            decode_array::<2>("abcdef").unwrap_err().kind(),
            ErrorKind::BadLength
        );
        assert_eq!(
            decode_array::<2>("").unwrap_err().kind(),
            ErrorKind::BadLength
        );
    }
}
