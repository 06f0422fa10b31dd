//! A PNG encoder for QR codes, small enough to cost almost nothing in the package: 1-bit grayscale, one
//! fixed-Huffman deflate block with run-length matches, CRC32 and Adler32 computed bitwise.
//!
//! Why not the `png` crate: it brings a general deflate (flate2/fdeflate) for images that are nothing but
//! runs. Here every pixel row of a module row after the first is filtered with PNG's `Up` filter, so it becomes
//! a run of zeros, and distance-1 matches compress those runs as well as a full deflate would.

use fieldtoken_core::QrMatrix;

/// The most pixels per module: a version-40 code at this scale is about 7,700 pixels wide, already far more
/// than any screen or printer needs, and the encoder's memory stays below 8 MB.
pub const MAX_SCALE: u32 = 32;
/// The widest quiet zone, in modules (the QR standard asks for 4).
pub const MAX_MARGIN: u32 = 16;

/// The PNG of a QR matrix: black modules on white, `scale` pixels per module (1 to [`MAX_SCALE`]) and a quiet
/// zone of `margin` modules (at most [`MAX_MARGIN`]). Out-of-range values are clamped, never a panic.
pub fn qr_png(matrix: &QrMatrix, scale: u32, margin: u32) -> Vec<u8> {
    let scale = scale.clamp(1, MAX_SCALE) as usize;
    let margin = margin.min(MAX_MARGIN) as usize;
    let modules = matrix.width() + 2 * margin;
    let side = modules * scale;
    let row_bytes = side.div_ceil(8);

    // Filtered scanlines: a filter byte then the row. 1 bit per pixel, 1 = white (PNG grayscale).
    let mut raw = Vec::with_capacity((row_bytes + 1) * side);
    let mut row = vec![0u8; row_bytes];
    for module_y in 0..modules {
        row.fill(0);
        for x in 0..side {
            let (mx, my) = (
                (x / scale).wrapping_sub(margin),
                module_y.wrapping_sub(margin),
            );
            if !matrix.is_dark(mx, my) {
                row[x / 8] |= 0x80 >> (x % 8);
            }
        }
        raw.push(0); // filter None: the first pixel row of a module row
        raw.extend_from_slice(&row);
        for _ in 1..scale {
            raw.push(2); // filter Up: the same as the row above, so all zeros
            raw.extend(std::iter::repeat_n(0, row_bytes));
        }
    }

    // `side` is at most (177 + 2 * 16) * 32, far below u32::MAX.
    let side = side as u32;
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&[1, 0, 0, 0, 0]); // bit depth 1, grayscale, deflate, adaptive filters, no interlace

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib(&raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

/// Appends one chunk: length, type, data, CRC32 of type and data.
fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    // Chunks here are at most a few MB (see MAX_SCALE).
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// CRC-32 (IEEE, reflected), bit by bit: a table would be 1 KB of wasm for a few KB of input per QR code.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the most bytes that cannot overflow the sums before the modulo (zlib's NMAX).
    for block in bytes.chunks(5552) {
        for &byte in block {
            a += u32::from(byte);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// A zlib stream of one final fixed-Huffman block: literals, and distance-1 matches for runs of a byte.
fn zlib(data: &[u8]) -> Vec<u8> {
    let mut out = BitWriter::default();
    out.bytes.extend_from_slice(&[0x78, 0x01]); // deflate, 32 KB window, no dictionary, fastest
    out.bits(1, 1); // BFINAL
    out.bits(1, 2); // BTYPE = 01, fixed Huffman codes
    let mut i = 0;
    while i < data.len() {
        let byte = data[i];
        out.literal(u16::from(byte));
        i += 1;
        let run = data[i..]
            .iter()
            .take(258)
            .take_while(|&&b| b == byte)
            .count();
        if run >= 3 {
            out.run(run);
            i += run;
        }
    }
    out.literal(256); // end of block
    let mut bytes = out.finish();
    bytes.extend_from_slice(&adler32(data).to_be_bytes());
    bytes
}

/// Base lengths of the length codes 257 to 285 (RFC 1951, 3.2.5); extra bits are below.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];

#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    pending: u32,
    count: u32,
}

impl BitWriter {
    /// Writes the low `count` bits of `value`, least significant first (deflate's order for data bits).
    fn bits(&mut self, value: u32, count: u32) {
        self.pending |= value << self.count;
        self.count += count;
        while self.count >= 8 {
            self.bytes.push(self.pending as u8);
            self.pending >>= 8;
            self.count -= 8;
        }
    }

    /// Writes a Huffman code, most significant bit first (deflate's order for codes).
    fn code(&mut self, code: u32, length: u32) {
        let reversed = code.reverse_bits() >> (32 - length);
        self.bits(reversed, length);
    }

    /// A literal/length symbol (0 to 285) with the fixed code of RFC 1951, 3.2.6.
    fn literal(&mut self, symbol: u16) {
        let s = u32::from(symbol);
        match symbol {
            0..=143 => self.code(0x30 + s, 8),
            144..=255 => self.code(0x190 + s - 144, 9),
            256..=279 => self.code(s - 256, 7),
            _ => self.code(0xC0 + s - 280, 8),
        }
    }

    /// A match of `length` (3 to 258) at distance 1: a run of the previous byte.
    fn run(&mut self, length: usize) {
        let length = length.clamp(3, 258) as u16;
        let index = LENGTH_BASE
            .iter()
            .rposition(|&base| base <= length)
            .unwrap_or(0);
        self.literal(257 + index as u16);
        self.bits(
            u32::from(length - LENGTH_BASE[index]),
            u32::from(LENGTH_EXTRA[index]),
        );
        self.code(0, 5); // distance code 0: distance 1, no extra bits
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.bytes.push(self.pending as u8);
        }
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldtoken_core::Ecc;

    /// Decodes with the `png` crate (an independent inflate and CRC check): 8-bit gray pixels and the side.
    fn decode(png: &[u8]) -> (Vec<u8>, u32) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a valid PNG header");
        let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut pixels).expect("valid PNG data");
        assert_eq!(info.width, info.height);
        pixels.truncate(info.buffer_size());
        (pixels, info.width)
    }

    #[test]
    fn pixels_are_the_modules_scaled_with_the_quiet_zone() {
        for (text, scale, margin) in [("HELLO", 1, 0), ("FT:ABC", 3, 4), ("x", 8, 2), ("y", 7, 1)] {
            let matrix = QrMatrix::encode(text, Ecc::M).expect("encodable");
            let (pixels, side) = decode(&qr_png(&matrix, scale, margin));
            let modules = matrix.width() as u32 + 2 * margin;
            assert_eq!(side, modules * scale);
            for y in 0..side {
                for x in 0..side {
                    let (mx, my) = (
                        (x / scale).wrapping_sub(margin),
                        (y / scale).wrapping_sub(margin),
                    );
                    let dark = matrix.is_dark(mx as usize, my as usize);
                    assert_eq!(pixels[(y * side + x) as usize], if dark { 0 } else { 255 });
                }
            }
        }
    }

    #[test]
    fn out_of_range_options_are_clamped() {
        let matrix = QrMatrix::encode("clamp", Ecc::L).expect("encodable");
        let (_, side) = decode(&qr_png(&matrix, 0, 0));
        assert_eq!(side, matrix.width() as u32);
        let (_, side) = decode(&qr_png(&matrix, 1000, 1000));
        assert_eq!(side, (matrix.width() as u32 + 2 * MAX_MARGIN) * MAX_SCALE);
    }

    #[test]
    fn checksums_match_known_values() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(&vec![0xFF; 100_000]), {
            let (mut a, mut b) = (1u64, 0u64);
            for _ in 0..100_000 {
                a = (a + 255) % 65521;
                b = (b + a) % 65521;
            }
            ((b << 16) | a) as u32
        });
    }

    #[test]
    fn long_runs_compress() {
        let matrix = QrMatrix::encode("HTTPS://MDM.EXAMPLE.COM/T/0410-6105-0R3G-G28A-Z", Ecc::M)
            .expect("encodable");
        let png = qr_png(&matrix, 8, 4);
        let side = (matrix.width() + 8) * 8;
        assert!(
            png.len() < side * side / 8 / 4,
            "{} bytes for {side}x{side}",
            png.len()
        );
    }
}
