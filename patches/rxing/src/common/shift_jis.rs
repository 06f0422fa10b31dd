//! Shift_JIS decoding without an encoding library (patched in for fieldtoken).
//!
//! QR codes from Japan carry Shift_JIS text, both in byte mode (detected by `guessCharset`) and in Kanji
//! mode (which the decoder turns into Shift_JIS bytes). `encoding_rs` handles this, but pulls in every
//! CJK table (more than 100 KB gzipped in wasm); this decoder carries only the JIS X 0208 table of
//! windows-31j (the WHATWG "Shift_JIS"), 9,400 code points, 14 KB gzipped.
//!
//! `shift_jis_table.bin` holds the code points as little-endian u16 for WHATWG pointers 0..8836 and
//! 10716..11280 (pointers 8836..10716 are the user-defined area, mapped to the Private Use Area by
//! formula); 0 marks an unmapped pointer. It was generated from Python's `cp932` codec.

static TABLE: &[u8] = include_bytes!("shift_jis_table.bin");

const EUDC_START: usize = 8836;
const EUDC_END: usize = 10716;

fn lookup(pointer: usize) -> Option<char> {
    let index = match pointer {
        0..EUDC_START => pointer,
        EUDC_START..EUDC_END => return char::from_u32(0xE000 + (pointer - EUDC_START) as u32),
        _ => pointer - (EUDC_END - EUDC_START),
    };
    let bytes = TABLE.get(2 * index..2 * index + 2)?;
    let code = u16::from_le_bytes([bytes[0], bytes[1]]);
    if code == 0 {
        None
    } else {
        char::from_u32(u32::from(code))
    }
}

/// Decodes Shift_JIS strictly: `None` on any byte sequence that is not valid Shift_JIS.
pub fn decode(input: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    let mut bytes = input.iter().copied();
    while let Some(b) = bytes.next() {
        match b {
            0x00..=0x80 => out.push(char::from(b)),
            0xA1..=0xDF => out.push(char::from_u32(0xFF61 + u32::from(b - 0xA1))?),
            0x81..=0x9F | 0xE0..=0xFC => {
                let t = bytes.next()?;
                let lead = usize::from(b) - if b < 0xA0 { 0x81 } else { 0xC1 };
                let trail = match t {
                    0x40..=0x7E => usize::from(t) - 0x40,
                    0x80..=0xFC => usize::from(t) - 0x41,
                    _ => return None,
                };
                out.push(lookup(lead * 188 + trail)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_kana_kanji_and_ascii() {
        // "QRコード" and "測" in Shift_JIS.
        let s = super::decode(b"QR\x83\x52\x81\x5B\x83\x68\x91\xaa").unwrap();
        assert_eq!(s, "QRコード測");
        assert_eq!(super::decode(b"\xb1").unwrap(), "ｱ");
        assert!(super::decode(b"\x83").is_none());
        assert!(super::decode(b"\xfd").is_none());
    }
}
