//! Drawing a token text as a QR code: the module matrix (for PNG or canvas rendering at the edge), an SVG, and the
//! symbol version a text needs, which the tests use to hold the formats to their QR budget.

use qrcode::{EcLevel, QrCode, Version};

use crate::error::{Error, ErrorKind, Result};

/// The error correction level of a QR code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum Ecc {
    /// About 7 % of the symbol can be lost.
    L,
    /// About 15 %: the default, and the level of the format budget.
    #[default]
    M,
    /// About 25 %.
    Q,
    /// About 30 %.
    H,
}

impl Ecc {
    /// Reads `L`, `M`, `Q` or `H` (any case).
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_uppercase().as_str() {
            "L" => Ok(Ecc::L),
            "M" => Ok(Ecc::M),
            "Q" => Ok(Ecc::Q),
            "H" => Ok(Ecc::H),
            _ => Err(Error::new(
                ErrorKind::BadFormat,
                format!("'{s}' is not an error correction level (L, M, Q, H)"),
            )),
        }
    }

    fn level(self) -> EcLevel {
        match self {
            Ecc::L => EcLevel::L,
            Ecc::M => EcLevel::M,
            Ecc::Q => EcLevel::Q,
            Ecc::H => EcLevel::H,
        }
    }
}

/// A QR symbol as a square of modules, row by row, `true` = dark; without quiet zone.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct QrMatrix {
    version: u8,
    width: usize,
    modules: Vec<bool>,
}

impl QrMatrix {
    /// The smallest QR symbol for `text` at `ecc` (segments chosen for the fewest bits: a deep link is all
    /// alphanumeric).
    pub fn encode(text: &str, ecc: Ecc) -> Result<Self> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), ecc.level())
            .map_err(|_| Error::new(ErrorKind::QrTooLong, "this text is too long for a QR code"))?;
        let version = match code.version() {
            Version::Normal(v) | Version::Micro(v) => v as u8,
        };
        let width = code.width();
        Ok(QrMatrix {
            version,
            width,
            modules: code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        })
    }

    /// The symbol version (1 to 40).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Modules per side.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at column `x`, row `y` is dark (`false` outside the symbol).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.modules[y * self.width + x]
    }

    /// The modules, row by row.
    pub fn modules(&self) -> &[bool] {
        &self.modules
    }

    /// An SVG drawing: `scale` pixels per module, a quiet zone of `margin` modules, black on white, one path.
    pub fn to_svg(&self, scale: u32, margin: u32) -> String {
        let scale = scale.max(1);
        let size = (self.width as u32 + 2 * margin) * scale;
        let mut path = String::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.width && self.is_dark(x, y) {
                        x += 1;
                    }
                    path.push_str(&format!(
                        "M{} {}h{}v1h-{}z",
                        start as u32 + margin,
                        y as u32 + margin,
                        x - start,
                        x - start
                    ));
                } else {
                    x += 1;
                }
            }
        }
        let view = self.width as u32 + 2 * margin;
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {view} {view}\" shape-rendering=\"crispEdges\"><rect width=\"{view}\" height=\"{view}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
        )
    }
}
