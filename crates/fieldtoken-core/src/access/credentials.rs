//! The texts of an access token (authentication code, identifier, pass code, verification code): the format checks
//! of the definition's settings, and the generators that always meet them.

use std::fmt;

use rand_core::CryptoRng;

use super::AccessTokenNumber;
use super::definition::{CharacterRules, TextFormat};
use crate::error::{Error, ErrorKind, Result};

/// The most characters an authentication code, identifier or pass code may have (it bounds storage and hashing).
pub const MAX_CREDENTIAL_CHARS: usize = 128;

/// The number of digits of a verification code.
pub const VERIFICATION_CODE_DIGITS: usize = 8;

/// Length of an auto id or a generated pass code when the rules ask for less.
pub(crate) const DEFAULT_AUTO_ID_CHARS: usize = 16;
pub(crate) const DEFAULT_PASS_CODE_CHARS: usize = 12;

// Generated texts are read and typed by people: no l/1, O/0 or I look-alikes.
const LETTERS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &[u8] = b"23456789";
const SPECIALS: &[u8] = b"!#%*+-=?@_";
const LETTERS_AND_DIGITS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Which text of a token a check is about: it picks the words of the message and the error kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Field {
    AuthenticationCode,
    Identifier,
    PassCode,
}

impl Field {
    pub(crate) const fn label(self) -> &'static str {
        match self {
            Field::AuthenticationCode => "authentication code",
            Field::Identifier => "identifier",
            Field::PassCode => "pass code",
        }
    }

    const fn bad(self) -> ErrorKind {
        match self {
            Field::AuthenticationCode => ErrorKind::BadAuthenticationCode,
            Field::Identifier => ErrorKind::BadIdentifier,
            Field::PassCode => ErrorKind::BadPassCode,
        }
    }
}

/// How many characters of each class a text holds.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct Counts {
    pub(crate) length: usize,
    pub(crate) letters: usize,
    pub(crate) digits: usize,
    pub(crate) special: usize,
}

pub(crate) fn counts(text: &str) -> Counts {
    text.chars().fold(Counts::default(), |mut n, c| {
        n.length += 1;
        if c.is_alphabetic() {
            n.letters += 1;
        } else if c.is_ascii_digit() {
            n.digits += 1;
        } else {
            n.special += 1;
        }
        n
    })
}

/// The checks every stored or typed text passes: not empty, not too long, no control characters.
fn plain(field: Field, text: &str) -> Result<()> {
    if text.is_empty() {
        return Err(Error::new(
            field.bad(),
            format!("the {} is empty", field.label()),
        ));
    }
    let length = text.chars().count();
    if length > MAX_CREDENTIAL_CHARS {
        return Err(Error::new(
            field.bad(),
            format!(
                "the {} has {length} characters; at most {MAX_CREDENTIAL_CHARS} are allowed",
                field.label()
            ),
        ));
    }
    if let Some(pos) = text.chars().position(char::is_control) {
        return Err(Error::at(
            field.bad(),
            pos + 1,
            format!("the {} holds a control character", field.label()),
        ));
    }
    Ok(())
}

/// Checks a typed text against a format (when the field has one) and the character rules.
pub(crate) fn check(
    field: Field,
    text: &str,
    format: Option<TextFormat>,
    rules: &CharacterRules,
) -> Result<()> {
    plain(field, text)?;
    let what = field.label();
    match format {
        Some(TextFormat::Number) => {
            if let Some(pos) = text.chars().position(|c| !c.is_ascii_digit()) {
                return Err(Error::at(
                    field.bad(),
                    pos + 1,
                    format!("the {what} must be a number (digits 0-9 only)"),
                ));
            }
        }
        Some(TextFormat::Email) => {
            if !is_email(text) {
                return Err(Error::new(
                    field.bad(),
                    format!("the {what} must be an email address, like name@example.com"),
                ));
            }
        }
        Some(TextFormat::FreeText) | None => {}
    }
    let n = counts(text);
    let needs = [
        (n.length, rules.min_length, "characters"),
        (n.letters, rules.min_letters, "letters"),
        (n.digits, rules.min_digits, "digits (0-9)"),
        (n.special, rules.min_special, "special characters"),
    ];
    for (has, min, class) in needs {
        if has < usize::from(min) {
            return Err(Error::new(
                field.bad(),
                format!("the {what} needs at least {min} {class} (it has {has})"),
            ));
        }
    }
    Ok(())
}

/// A plain email check: one `@`, something before it, a dotted domain after it, no spaces.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
        && domain.contains('.')
}

/// A uniform number below `n` (rejection sampling, so no value is favoured).
fn below<R: CryptoRng + ?Sized>(rng: &mut R, n: usize) -> usize {
    let n = u32::try_from(n).unwrap_or(u32::MAX).max(1);
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let x = rng.next_u32();
        if x < zone {
            return (x % n) as usize;
        }
    }
}

fn pick<R: CryptoRng + ?Sized>(rng: &mut R, alphabet: &[u8]) -> char {
    char::from(alphabet[below(rng, alphabet.len())])
}

/// A random text that meets `rules`: the minimum counts of each class, then letters and digits up to the length,
/// shuffled so the classes are not in a guessable order.
pub(crate) fn generate<R: CryptoRng + ?Sized>(
    rules: &CharacterRules,
    default_length: usize,
    rng: &mut R,
) -> String {
    let length = rules.required_length().max(default_length);
    let mut chars = Vec::with_capacity(length);
    for (count, alphabet) in [
        (rules.min_letters, LETTERS),
        (rules.min_digits, DIGITS),
        (rules.min_special, SPECIALS),
    ] {
        chars.extend((0..count).map(|_| pick(rng, alphabet)));
    }
    while chars.len() < length {
        chars.push(pick(rng, LETTERS_AND_DIGITS));
    }
    for i in (1..chars.len()).rev() {
        chars.swap(i, below(rng, i + 1));
    }
    chars.into_iter().collect()
}

/// The text of an auto-number field: the token's number, zero-padded to the minimum length.
pub(crate) fn auto_number(number: AccessTokenNumber, rules: &CharacterRules) -> String {
    let width = usize::from(rules.min_length.max(rules.min_digits));
    format!("{:0width$}", number.get())
}

macro_rules! credential_text {
    ($(#[$doc:meta])* $name:ident, $field:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        pub struct $name(String);

        impl $name {
            /// A stored value, as loaded by the server: checked to be plain text only (formats may have changed
            /// since it was saved; the definition's rules apply when a value is typed).
            pub fn from_stored(text: &str) -> Result<Self> {
                plain($field, text)?;
                Ok($name(text.to_string()))
            }

            pub(crate) fn checked(text: String) -> Self {
                $name(text)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

credential_text!(
    /// The code submitted to identify an access token (seed 002: "Authentication Code*"), e.g. printed on a card.
    AuthenticationCode,
    Field::AuthenticationCode
);
credential_text!(
    /// The sequence of characters that identifies the operator signing in (seed 002: "Identifier"), e.g. an email.
    Identifier,
    Field::Identifier
);

/// A plain pass code, checked against the format rules and handed to the server once: to hash it (argon2) and to
/// show or send it. The core never keeps one inside a token. Its `Debug` form hides the text.
#[derive(Clone, PartialEq, Eq)]
pub struct PassCode(String);

impl PassCode {
    pub(crate) fn checked(text: String) -> Self {
        PassCode(text)
    }

    /// The plain text, for hashing or for showing once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PassCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PassCode(hidden)")
    }
}

/// The code that verifies a 'Pending Verification' token (seed 002, R12: "Resetting Access Token Verification
/// Code"): [`VERIFICATION_CODE_DIGITS`] random digits.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// A new random code.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        VerificationCode(
            (0..VERIFICATION_CODE_DIGITS)
                .map(|_| pick(rng, b"0123456789"))
                .collect(),
        )
    }

    /// A stored code: exactly [`VERIFICATION_CODE_DIGITS`] digits, else `bad_format`.
    pub fn from_stored(text: &str) -> Result<Self> {
        if text.len() != VERIFICATION_CODE_DIGITS || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::new(
                ErrorKind::BadFormat,
                format!("a verification code has {VERIFICATION_CODE_DIGITS} digits"),
            ));
        }
        Ok(VerificationCode(text.to_string()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a typed code is this one: spaces and hyphens are ignored; the comparison takes the same time
    /// wherever the first difference is.
    pub fn matches(&self, typed: &str) -> bool {
        let typed: Vec<u8> = typed
            .bytes()
            .filter(|b| !b.is_ascii_whitespace() && *b != b'-')
            .collect();
        typed.len() == self.0.len()
            && typed
                .iter()
                .zip(self.0.bytes())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0
    }
}

impl fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
