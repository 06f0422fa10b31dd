//! Character sets of byte segments: UTF-8, ISO-8859-1, Shift_JIS (with its own table, also for
//! Kanji mode), and whatever else an ECI names decoded lossily (ASCII kept, every other byte
//! U+FFFD), so a segment is never dropped; GB 2312 for Hanzi mode. The tables are generated (see
//! this crate's README).

/// The character sets the reader tells apart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Charset {
    /// No ECI: guessed from the bytes, as phones' readers do.
    Guess,
    Utf8,
    Latin1,
    ShiftJis,
    /// Any other ECI: ASCII survives, the rest becomes U+FFFD.
    Other,
}

impl Charset {
    /// The character set an ECI designator names.
    pub(crate) fn from_eci(eci: u32) -> Charset {
        match eci {
            // 0 and 2 are CP437, whose lower half is ASCII; 1 and 3 are ISO-8859-1.
            1 | 3 => Charset::Latin1,
            20 => Charset::ShiftJis,
            26 => Charset::Utf8,
            // 27 is US-ASCII, 170 ISO 646 invariant: both decode as their ASCII subset.
            _ => Charset::Other,
        }
    }
}

/// JIS X 0208 in Shift_JIS order: for lead bytes 0x81-0x9F then 0xE0-0xEF, 188 trail bytes each
/// (0x40-0xFC without 0x7F), the Unicode scalar as little-endian u16, 0 where unassigned.
/// Generated from Python's `shift_jis` codec (the script is in this crate's README).
static SHIFT_JIS: &[u8; 17672] = include_bytes!("shift_jis.bin");

/// GB 2312 (Hanzi mode): rows 0xA1-0xF7 of 94 cells each (0xA1-0xFE), as `SHIFT_JIS`.
static GB2312: &[u8; 16356] = include_bytes!("gb2312.bin");

/// A GB 2312 character from its two bytes, if assigned.
pub(crate) fn gb2312_char(high: u8, low: u8) -> Option<char> {
    if !(0xa1..=0xf7).contains(&high) || !(0xa1..=0xfe).contains(&low) {
        return None;
    }
    let cell = usize::from(high - 0xa1) * 94 + usize::from(low - 0xa1);
    let code = u16::from_le_bytes([*GB2312.get(2 * cell)?, *GB2312.get(2 * cell + 1)?]);
    char::from_u32(u32::from(code)).filter(|_| code != 0)
}

/// The table index of a double-byte Shift_JIS character, if `lead` and `trail` form one.
fn shift_jis_cell(lead: u8, trail: u8) -> Option<usize> {
    let row = match lead {
        0x81..=0x9f => lead - 0x81,
        0xe0..=0xef => lead - 0xe0 + 31,
        _ => return None,
    };
    let column = match trail {
        0x40..=0x7e => trail - 0x40,
        0x80..=0xfc => trail - 0x41,
        _ => return None,
    };
    Some(usize::from(row) * 188 + usize::from(column))
}

fn shift_jis_char(lead: u8, trail: u8) -> Option<char> {
    let cell = shift_jis_cell(lead, trail)?;
    let code = u16::from_le_bytes([*SHIFT_JIS.get(2 * cell)?, *SHIFT_JIS.get(2 * cell + 1)?]);
    if code == 0 {
        None
    } else {
        char::from_u32(u32::from(code))
    }
}

/// Decodes Shift_JIS, replacing what it cannot map with U+FFFD; the second value says whether
/// every byte mapped.
pub(crate) fn decode_shift_jis(bytes: &[u8]) -> (String, bool) {
    let mut out = String::with_capacity(bytes.len());
    let mut clean = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            0x00..=0x7f => out.push(char::from(b)),
            // Half-width katakana.
            0xa1..=0xdf => {
                out.push(char::from_u32(0xff61 + u32::from(b - 0xa1)).unwrap_or('\u{fffd}'))
            }
            _ => match bytes.get(i + 1).and_then(|&t| shift_jis_char(b, t)) {
                Some(c) => {
                    out.push(c);
                    i += 1;
                }
                None => {
                    out.push('\u{fffd}');
                    clean = false;
                }
            },
        }
        i += 1;
    }
    (out, clean)
}

/// Decodes a byte segment in `charset`.
pub(crate) fn decode(bytes: &[u8], charset: Charset) -> String {
    match charset {
        Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Charset::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
        Charset::ShiftJis => decode_shift_jis(bytes).0,
        Charset::Other => bytes
            .iter()
            .map(|&b| if b < 0x80 { char::from(b) } else { '\u{fffd}' })
            .collect(),
        Charset::Guess => decode(bytes, guess(bytes)),
    }
}

/// Guesses the character set of bytes without an ECI: UTF-8 when they are valid UTF-8; Shift_JIS
/// when they are valid Shift_JIS and look like Japanese (runs of kana or double-byte characters,
/// or bytes that would be control codes in ISO-8859-1); ISO-8859-1 otherwise, the standard's
/// default.
fn guess(bytes: &[u8]) -> Charset {
    if std::str::from_utf8(bytes).is_ok() {
        return Charset::Utf8;
    }
    let (_, valid) = decode_shift_jis(bytes);
    if !valid {
        return Charset::Latin1;
    }
    let (mut kana_run, mut double_run, mut longest, mut controls) = (0, 0, 0, 0);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x80..=0x9f).contains(&b) {
            controls += 1;
        }
        match b {
            0xa1..=0xdf => {
                kana_run += 1;
                double_run = 0;
            }
            0x81..=0x9f | 0xe0..=0xef => {
                double_run += 1;
                kana_run = 0;
                i += 1;
            }
            _ => (kana_run, double_run) = (0, 0),
        }
        longest = longest.max(kana_run).max(double_run);
        i += 1;
    }
    if longest >= 2 || controls > 0 {
        Charset::ShiftJis
    } else {
        Charset::Latin1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_jis_table_maps_kana_symbols_and_kanji() {
        assert_eq!(
            decode_shift_jis(b"QR\x83\x52\x81\x5b\x83\x68"),
            ("QRコード".to_owned(), true)
        );
        // 内側 and half-width ﾃﾞ.
        assert_eq!(decode_shift_jis(b"\x93\xe0\x91\xa4\xc3\xde").0, "内側ﾃﾞ");
        assert_eq!(decode_shift_jis(b"\x81").0, "\u{fffd}");
        // 阿 in GB 2312.
        assert_eq!(gb2312_char(0xb0, 0xa2), Some('阿'));
        assert_eq!(gb2312_char(0xa0, 0xa2), None);
    }

    #[test]
    fn guesses_like_a_phone() {
        assert_eq!(decode("naïve".as_bytes(), Charset::Guess), "naïve");
        assert_eq!(decode(b"caf\xe9", Charset::Guess), "café");
        assert_eq!(decode(b"\xc3\xde\xbb\xde\xb2\xdd", Charset::Guess), "ﾃﾞｻﾞｲﾝ");
        assert_eq!(decode(b"a\xe9b", Charset::Other), "a\u{fffd}b");
    }
}
