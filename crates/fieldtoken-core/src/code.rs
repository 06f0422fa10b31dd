//! Token codes: the 80-bit identity of an old-format action token, written as 16 Crockford base32 symbols and one
//! mod-37 check symbol (`XXXX-XXXX-XXXX-XXXX-C`), and the tolerant parser for codes typed by hand.
//!
//! The check symbol is Crockford's: the 80-bit number modulo 37. Because the weight of each symbol is a power of 32
//! modulo the prime 37, every single wrong symbol and every swap of two different neighbours changes the remainder
//! (see `docs/FORMATS.md` for the proof, and the exhaustive test in this module).

use std::fmt;
use std::str::FromStr;

use rand_core::CryptoRng;

use crate::error::{Error, ErrorKind, Result};

/// The 32 data symbols of Crockford base32, value = index.
pub const DATA_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The 37 check symbols: the 32 data symbols, then `*~$=U` for the values 32 to 36.
pub const CHECK_ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// Number of data symbols in a code.
pub const DATA_SYMBOLS: usize = 16;
/// Number of symbols in a code, check symbol included.
pub const CODE_SYMBOLS: usize = DATA_SYMBOLS + 1;
/// Number of random bytes in a code (80 bits).
pub const CODE_BYTES: usize = 10;

/// An action token's code: 80 random bits. Its text form is canonical `XXXX-XXXX-XXXX-XXXX-C`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenCode([u8; CODE_BYTES]);

impl TokenCode {
    /// A new random code from a cryptographic random generator.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0u8; CODE_BYTES];
        rng.fill_bytes(&mut bytes);
        TokenCode(bytes)
    }

    /// The code holding exactly these 80 bits (big-endian: the first byte holds the most significant bits).
    pub const fn from_bytes(bytes: [u8; CODE_BYTES]) -> Self {
        TokenCode(bytes)
    }

    /// The 80 bits of the code.
    pub const fn to_bytes(&self) -> [u8; CODE_BYTES] {
        self.0
    }

    /// Parses a code typed or scanned by a person: ignores case, spaces and hyphens, reads `I`/`L` as `1` and `O`
    /// as `0`. Errors name the 1-based symbol position (separators are not counted).
    pub fn parse(input: &str) -> Result<Self> {
        parse(input)
    }

    fn number(&self) -> u128 {
        self.0.iter().fold(0u128, |n, &b| (n << 8) | u128::from(b))
    }

    /// The 16 data symbol values (0..32), most significant first.
    pub fn symbol_values(&self) -> [u8; DATA_SYMBOLS] {
        let n = self.number();
        let mut out = [0u8; DATA_SYMBOLS];
        for (i, v) in out.iter_mut().enumerate() {
            *v = ((n >> (5 * (DATA_SYMBOLS - 1 - i))) & 31) as u8;
        }
        out
    }

    /// The check value (0..37): the 80-bit number modulo 37.
    pub fn check_value(&self) -> u8 {
        (self.number() % 37) as u8
    }

    /// The check symbol, one of [`CHECK_ALPHABET`].
    pub fn check_symbol(&self) -> char {
        char::from(CHECK_ALPHABET[usize::from(self.check_value())])
    }

    /// The 17 symbols without separators, e.g. `0123456789ABCDEF7`.
    pub fn compact(&self) -> String {
        let mut s: String = self
            .symbol_values()
            .iter()
            .map(|&v| char::from(DATA_ALPHABET[usize::from(v)]))
            .collect();
        s.push(self.check_symbol());
        s
    }
}

impl fmt::Display for TokenCode {
    /// The canonical form `XXXX-XXXX-XXXX-XXXX-C`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let compact = self.compact();
        let b = compact.as_bytes();
        for (i, chunk) in b[..DATA_SYMBOLS].chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(chunk).map_err(|_| fmt::Error)?)?;
        }
        write!(f, "-{}", char::from(b[DATA_SYMBOLS]))
    }
}

impl fmt::Debug for TokenCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenCode({self})")
    }
}

impl FromStr for TokenCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse(s)
    }
}

/// The canonical form `XXXX-XXXX-XXXX-XXXX-C` of a typed code, or the error with the position of the mistake.
pub fn normalize_code(input: &str) -> Result<String> {
    Ok(parse(input)?.to_string())
}

/// Separators a person may type or a keyboard may substitute: whitespace and hyphen-like dashes.
pub(crate) fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// The value of a data symbol, with Crockford's tolerant readings.
fn data_value(c: char) -> Option<u8> {
    let c = c.to_ascii_uppercase();
    match c {
        'O' => Some(0),
        'I' | 'L' => Some(1),
        _ if c.is_ascii() => DATA_ALPHABET
            .iter()
            .position(|&a| a == c as u8)
            .map(|v| v as u8),
        _ => None,
    }
}

/// The value of a check symbol: a data symbol or one of `*~$=U`.
fn check_value_of(c: char) -> Option<u8> {
    data_value(c).or_else(|| match c.to_ascii_uppercase() {
        '*' => Some(32),
        '~' => Some(33),
        '$' => Some(34),
        '=' => Some(35),
        'U' => Some(36),
        _ => None,
    })
}

fn parse(input: &str) -> Result<TokenCode> {
    let mut values = [0u8; CODE_SYMBOLS];
    let mut count = 0usize;
    for c in input.chars().filter(|&c| !is_separator(c)) {
        count += 1;
        if count < CODE_SYMBOLS {
            values[count - 1] = data_value(c).ok_or_else(|| {
                let hint = if check_value_of(c).is_some() {
                    format!("'{c}' can only be the last (check) symbol")
                } else {
                    "codes use 0-9 and A-Z without I, L, O, U".to_string()
                };
                Error::at(
                    ErrorKind::BadSymbol,
                    count,
                    format!("symbol {count} '{c}' is not a code symbol: {hint}"),
                )
            })?;
        } else if count == CODE_SYMBOLS {
            values[count - 1] = check_value_of(c).ok_or_else(|| {
                Error::at(
                    ErrorKind::BadSymbol,
                    count,
                    format!("symbol {count} '{c}' is not a check symbol: check symbols are 0-9, A-Z without I, L, O, and * ~ $ = U"),
                )
            })?;
        }
    }
    match count {
        0 => {
            return Err(Error::new(
                ErrorKind::Empty,
                "no code given: a code looks like XXXX-XXXX-XXXX-XXXX-C",
            ));
        }
        CODE_SYMBOLS => {}
        n if n < CODE_SYMBOLS => {
            return Err(Error::at(
                ErrorKind::BadLength,
                n + 1,
                format!(
                    "the code is too short: it has {n} symbols, a code has 17 (XXXX-XXXX-XXXX-XXXX-C)"
                ),
            ));
        }
        n => {
            return Err(Error::at(
                ErrorKind::BadLength,
                CODE_SYMBOLS + 1,
                format!(
                    "the code is too long: it has {n} symbols, a code has 17 (XXXX-XXXX-XXXX-XXXX-C)"
                ),
            ));
        }
    }
    let n = values[..DATA_SYMBOLS]
        .iter()
        .fold(0u128, |n, &v| (n << 5) | u128::from(v));
    let mut bytes = [0u8; CODE_BYTES];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (n >> (8 * (CODE_BYTES - 1 - i))) as u8;
    }
    let code = TokenCode(bytes);
    if code.check_value() != values[DATA_SYMBOLS] {
        return Err(Error::at(
            ErrorKind::BadCheckSymbol,
            CODE_SYMBOLS,
            "the code does not check out: a symbol is mistyped or two neighbours are swapped; please compare it again",
        ));
    }
    Ok(code)
}

#[cfg(test)]
mod tests;
