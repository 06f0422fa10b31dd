//! NDEF (NFC Data Exchange Format) messages: the raw record layout with full validation, the Type 2 tag TLV framing
//! that cards store, the Web NFC record form (`NDEFRecordInit`-like) and the old-format NFC card for a token code.
//!
//! A card holds two records: a URI record `https://host/t/<code>`, first, so that a phone's own NFC stack opens the
//! PWA at the token, and a Text record with the code alone, so that any reader (the Activator's Read option, a
//! generic NFC app) shows the code exactly. The longest card is 92 bytes, well inside an NTAG213's 144.

use crate::code::TokenCode;
use crate::error::{Error, ErrorKind, Result};
use crate::link::LinkBase;
use crate::token::{ParsedToken, parse_token};

/// User memory of an NTAG213, the smallest card the old format supports.
pub const NTAG213_USER_BYTES: usize = 144;

const MB: u8 = 0x80;
const ME: u8 = 0x40;
const CF: u8 = 0x20;
const SR: u8 = 0x10;
const IL: u8 = 0x08;

/// The Type Name Format of a record (the low three bits of its header).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Tnf {
    /// 0: an empty record.
    Empty,
    /// 1: NFC Forum well-known type (`T`, `U`, `Sp`, ...).
    WellKnown,
    /// 2: a MIME media type (RFC 2046).
    Media,
    /// 3: an absolute URI (the type field holds the URI).
    AbsoluteUri,
    /// 4: NFC Forum external type (`domain:type`).
    External,
    /// 5: unknown payload type.
    Unknown,
}

impl Tnf {
    fn from_bits(bits: u8, at: usize) -> Result<Self> {
        Ok(match bits {
            0 => Tnf::Empty,
            1 => Tnf::WellKnown,
            2 => Tnf::Media,
            3 => Tnf::AbsoluteUri,
            4 => Tnf::External,
            5 => Tnf::Unknown,
            6 => {
                return Err(Error::at(
                    ErrorKind::BadNdef,
                    at,
                    "an 'unchanged' record outside a chunked record",
                ));
            }
            _ => {
                return Err(Error::at(
                    ErrorKind::BadNdef,
                    at,
                    format!("reserved type name format {bits}"),
                ));
            }
        })
    }

    const fn bits(self) -> u8 {
        match self {
            Tnf::Empty => 0,
            Tnf::WellKnown => 1,
            Tnf::Media => 2,
            Tnf::AbsoluteUri => 3,
            Tnf::External => 4,
            Tnf::Unknown => 5,
        }
    }
}

/// One NDEF record in its raw form.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct NdefRecord {
    /// The type name format.
    pub tnf: Tnf,
    /// The type (`U`, `T`, a MIME type, an external type, ...).
    pub record_type: Vec<u8>,
    /// The record id, usually empty.
    pub id: Vec<u8>,
    /// The payload.
    pub payload: Vec<u8>,
}

impl NdefRecord {
    /// A well-known URI record (`U`) for `uri`, with the prefix byte that abbreviates its start.
    pub fn uri(uri: &str) -> Self {
        let (code, prefix) = URI_PREFIXES
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, p)| uri.starts_with(*p))
            .max_by_key(|(_, p)| p.len())
            .map_or((0, ""), |(i, p)| (i, *p));
        let mut payload = vec![code as u8];
        payload.extend_from_slice(&uri.as_bytes()[prefix.len()..]);
        NdefRecord {
            tnf: Tnf::WellKnown,
            record_type: b"U".to_vec(),
            id: Vec::new(),
            payload,
        }
    }

    /// A well-known Text record (`T`), UTF-8, in language `lang` (e.g. `en`, at most 63 bytes).
    pub fn text(text: &str, lang: &str) -> Self {
        let mut end = lang.len().min(63);
        while !lang.is_char_boundary(end) {
            end -= 1;
        }
        let lang = &lang.as_bytes()[..end];
        let mut payload = vec![lang.len() as u8];
        payload.extend_from_slice(lang);
        payload.extend_from_slice(text.as_bytes());
        NdefRecord {
            tnf: Tnf::WellKnown,
            record_type: b"T".to_vec(),
            id: Vec::new(),
            payload,
        }
    }
}

/// The URI identifier codes of the NFC Forum URI record type definition; index = code.
pub const URI_PREFIXES: [&str; 36] = [
    "",
    "http://www.",
    "https://www.",
    "http://",
    "https://",
    "tel:",
    "mailto:",
    "ftp://anonymous:anonymous@",
    "ftp://ftp.",
    "ftps://",
    "sftp://",
    "smb://",
    "nfs://",
    "ftp://",
    "dav://",
    "news:",
    "telnet://",
    "imap:",
    "rtsp://",
    "urn:",
    "pop:",
    "sip:",
    "sips:",
    "tftp:",
    "btspp://",
    "btl2cap://",
    "btgoep://",
    "tcpobex://",
    "irdaobex://",
    "file://",
    "urn:epc:id:",
    "urn:epc:tag:",
    "urn:epc:pat:",
    "urn:epc:raw:",
    "urn:epc:",
    "urn:nfc:",
];

/// Encodes records as one NDEF message (short records where the payload allows; no chunking). Fails with
/// `bad_ndef` for no records, a type or id over 255 bytes, or a payload over 4 GiB.
pub fn encode_message(records: &[NdefRecord]) -> Result<Vec<u8>> {
    if records.is_empty() {
        return Err(Error::new(
            ErrorKind::BadNdef,
            "an NFC message has at least one record",
        ));
    }
    for r in records {
        if r.record_type.len() > 255 || r.id.len() > 255 || u32::try_from(r.payload.len()).is_err()
        {
            return Err(Error::new(
                ErrorKind::BadNdef,
                "a record's type or id is longer than 255 bytes",
            ));
        }
        let type_ok = match r.tnf {
            Tnf::Empty => r.record_type.is_empty() && r.payload.is_empty() && r.id.is_empty(),
            Tnf::Unknown => r.record_type.is_empty(),
            _ => !r.record_type.is_empty(),
        };
        if !type_ok {
            return Err(Error::new(
                ErrorKind::BadNdef,
                "a record's type does not suit its type name format",
            ));
        }
    }
    Ok(encode_records(records))
}

/// Encodes records already checked (see [`encode_message`]).
fn encode_records(records: &[NdefRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    let last = records.len().saturating_sub(1);
    for (i, r) in records.iter().enumerate() {
        let short = r.payload.len() <= 255;
        let mut header = r.tnf.bits();
        if i == 0 {
            header |= MB;
        }
        if i == last {
            header |= ME;
        }
        if short {
            header |= SR;
        }
        if !r.id.is_empty() {
            header |= IL;
        }
        out.push(header);
        out.push(r.record_type.len() as u8);
        if short {
            out.push(r.payload.len() as u8);
        } else {
            out.extend_from_slice(&(r.payload.len() as u32).to_be_bytes());
        }
        if !r.id.is_empty() {
            out.push(r.id.len() as u8);
        }
        out.extend_from_slice(&r.record_type);
        out.extend_from_slice(&r.id);
        out.extend_from_slice(&r.payload);
    }
    out
}

/// Decodes an NDEF message with full validation. Positions in errors are 1-based bytes of `bytes`.
pub fn decode_message(bytes: &[u8]) -> Result<Vec<NdefRecord>> {
    if bytes.is_empty() {
        return Err(Error::new(ErrorKind::Empty, "the NFC message is empty"));
    }
    let mut records = Vec::new();
    let mut at = 0usize;
    loop {
        let start = at;
        let take = |at: &mut usize, n: usize, what: &str| -> Result<&[u8]> {
            let end = at
                .checked_add(n)
                .filter(|&e| e <= bytes.len())
                .ok_or_else(|| {
                    Error::at(
                        ErrorKind::Truncated,
                        bytes.len() + 1,
                        format!("the NFC message ends inside a record's {what}"),
                    )
                })?;
            let s = &bytes[*at..end];
            *at = end;
            Ok(s)
        };
        let header = take(&mut at, 1, "header")?[0];
        let first = records.is_empty();
        if (header & MB != 0) != first {
            let msg = if first {
                "the first record is not marked as the message begin"
            } else {
                "a second message begins inside the message"
            };
            return Err(Error::at(ErrorKind::BadNdef, start + 1, msg));
        }
        if header & CF != 0 {
            return Err(Error::at(
                ErrorKind::BadNdef,
                start + 1,
                "chunked records are not supported",
            ));
        }
        let tnf = Tnf::from_bits(header & 0x07, start + 1)?;
        let type_len = usize::from(take(&mut at, 1, "type length")?[0]);
        let payload_len = if header & SR != 0 {
            usize::from(take(&mut at, 1, "payload length")?[0])
        } else {
            let b = take(&mut at, 4, "payload length")?;
            u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
        };
        let id_len = if header & IL != 0 {
            usize::from(take(&mut at, 1, "id length")?[0])
        } else {
            0
        };
        let lengths_ok = match tnf {
            Tnf::Empty => type_len == 0 && payload_len == 0 && id_len == 0,
            Tnf::Unknown => type_len == 0,
            _ => type_len > 0,
        };
        if !lengths_ok {
            return Err(Error::at(
                ErrorKind::BadNdef,
                start + 1,
                format!(
                    "bad type or payload length for a record of type name format {}",
                    tnf.bits()
                ),
            ));
        }
        let record_type = take(&mut at, type_len, "type")?.to_vec();
        let id = take(&mut at, id_len, "id")?.to_vec();
        let payload = take(&mut at, payload_len, "payload")?.to_vec();
        records.push(NdefRecord {
            tnf,
            record_type,
            id,
            payload,
        });
        if header & ME != 0 {
            break;
        }
        if at == bytes.len() {
            return Err(Error::at(
                ErrorKind::Truncated,
                at + 1,
                "the NFC message ends without its last record",
            ));
        }
    }
    if at != bytes.len() {
        return Err(Error::at(
            ErrorKind::TrailingData,
            at + 1,
            "bytes follow the end of the NFC message",
        ));
    }
    Ok(records)
}

/// Wraps an NDEF message in the Type 2 tag TLV framing (`03 len message FE`), as written to tag memory. Fails with
/// `bad_ndef` for a message over 65534 bytes, which no Type 2 tag holds.
pub fn wrap_tlv(message: &[u8]) -> Result<Vec<u8>> {
    let len = u16::try_from(message.len())
        .ok()
        .filter(|&l| l < 0xFFFF)
        .ok_or_else(|| Error::new(ErrorKind::BadNdef, "the NFC message is too long for a tag"))?;
    Ok(wrap(message, len))
}

fn wrap(message: &[u8], len: u16) -> Vec<u8> {
    let mut out = vec![0x03];
    if len < 0xFF {
        out.push(len as u8);
    } else {
        out.push(0xFF);
        out.extend_from_slice(&len.to_be_bytes());
    }
    out.extend_from_slice(message);
    out.push(0xFE);
    out
}

/// Finds the NDEF message in tag memory: skips NULL, lock-control, memory-control and proprietary TLVs, and ignores
/// what follows the message. `no_token` if the memory holds no (or an empty) NDEF message.
pub fn unwrap_tlv(memory: &[u8]) -> Result<&[u8]> {
    let mut at = 0usize;
    while at < memory.len() {
        let tag = memory[at];
        match tag {
            0x00 => at += 1,
            0xFE => break,
            _ => {
                let short = *memory.get(at + 1).ok_or_else(|| {
                    Error::at(
                        ErrorKind::Truncated,
                        at + 2,
                        "the tag memory ends inside a TLV length",
                    )
                })?;
                let (len, head) = if short == 0xFF {
                    let b = memory.get(at + 2..at + 4).ok_or_else(|| {
                        Error::at(
                            ErrorKind::Truncated,
                            at + 3,
                            "the tag memory ends inside a TLV length",
                        )
                    })?;
                    (usize::from(u16::from_be_bytes([b[0], b[1]])), 4)
                } else {
                    (usize::from(short), 2)
                };
                let value = memory.get(at + head..at + head + len).ok_or_else(|| {
                    Error::at(
                        ErrorKind::Truncated,
                        memory.len() + 1,
                        "the tag memory ends inside a TLV value",
                    )
                })?;
                match tag {
                    0x03 if len == 0 => break,
                    0x03 => return Ok(value),
                    0x01 | 0x02 | 0xFD => at += head + len,
                    other => {
                        return Err(Error::at(
                            ErrorKind::BadNdef,
                            at + 1,
                            format!("unknown TLV block 0x{other:02X} in tag memory"),
                        ));
                    }
                }
            }
        }
    }
    Err(Error::new(
        ErrorKind::NoToken,
        "this card holds no NFC message: it is blank or was erased",
    ))
}

/// A record in the form of Web NFC's `NDEFRecord` / `NDEFRecordInit`: `recordType` is `"url"`, `"text"`,
/// `"mime"`, `"absolute-url"`, `"empty"`, `"unknown"`, `"smart-poster"`, an external type `"domain:type"` or a
/// local type `":type"`. For `url` and `absolute-url`, `data` is the whole URL; for `text`, the text bytes in
/// `encoding`.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct WebNfcRecord {
    /// Web NFC's `recordType`.
    pub record_type: String,
    /// Web NFC's `mediaType`, for `mime` records.
    pub media_type: Option<String>,
    /// Web NFC's `id`.
    pub id: Option<String>,
    /// Web NFC's `encoding`, for `text` records (`utf-8`, `utf-16be`, `utf-16le`).
    pub encoding: Option<String>,
    /// Web NFC's `lang`, for `text` records.
    pub lang: Option<String>,
    /// The data bytes.
    pub data: Vec<u8>,
}

fn utf8(bytes: &[u8], what: &str) -> Result<String> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::new(ErrorKind::BadNdef, format!("the {what} is not valid UTF-8")))
}

impl WebNfcRecord {
    /// The Web NFC view of a raw record (as a browser shows it to `NDEFReader`'s `reading` event).
    pub fn from_raw(record: &NdefRecord) -> Result<Self> {
        let id = if record.id.is_empty() {
            None
        } else {
            Some(utf8(&record.id, "record id")?)
        };
        let mut out = WebNfcRecord {
            id,
            ..Default::default()
        };
        match (record.tnf, record.record_type.as_slice()) {
            (Tnf::Empty, _) => out.record_type = "empty".into(),
            (Tnf::WellKnown, b"U") => {
                let (&code, rest) = record.payload.split_first().ok_or_else(|| {
                    Error::new(ErrorKind::BadNdef, "a URI record without a payload")
                })?;
                let prefix = URI_PREFIXES.get(usize::from(code)).ok_or_else(|| {
                    Error::new(
                        ErrorKind::BadNdef,
                        format!("unknown URI prefix code {code}"),
                    )
                })?;
                out.record_type = "url".into();
                out.data = [prefix.as_bytes(), rest].concat();
                utf8(&out.data, "URI")?;
            }
            (Tnf::WellKnown, b"T") => {
                let (&status, rest) = record.payload.split_first().ok_or_else(|| {
                    Error::new(ErrorKind::BadNdef, "a Text record without a payload")
                })?;
                let lang_len = usize::from(status & 0x3F);
                if status & 0x40 != 0 || rest.len() < lang_len {
                    return Err(Error::new(
                        ErrorKind::BadNdef,
                        "a Text record with a bad status byte",
                    ));
                }
                let text = &rest[lang_len..];
                out.record_type = "text".into();
                out.lang = Some(utf8(&rest[..lang_len], "language")?);
                out.encoding = Some(if status & 0x80 == 0 {
                    "utf-8".into()
                } else if text.starts_with(&[0xFF, 0xFE]) {
                    "utf-16le".into()
                } else {
                    "utf-16be".into()
                });
                out.data = text.to_vec();
            }
            (Tnf::WellKnown, b"Sp") => {
                out.record_type = "smart-poster".into();
                out.data = record.payload.clone();
            }
            (Tnf::WellKnown, t) => {
                out.record_type = format!(":{}", utf8(t, "record type")?);
                out.data = record.payload.clone();
            }
            (Tnf::Media, t) => {
                out.record_type = "mime".into();
                out.media_type = Some(utf8(t, "media type")?);
                out.data = record.payload.clone();
            }
            (Tnf::AbsoluteUri, t) => {
                out.record_type = "absolute-url".into();
                out.data = utf8(t, "URI")?.into_bytes();
            }
            (Tnf::External, t) => {
                out.record_type = utf8(t, "external type")?;
                out.data = record.payload.clone();
            }
            (Tnf::Unknown, _) => {
                out.record_type = "unknown".into();
                out.data = record.payload.clone();
            }
        }
        Ok(out)
    }

    /// The raw record that writing this Web NFC record produces (URI prefix compression, UTF-8 text, ...).
    pub fn to_raw(&self) -> Result<NdefRecord> {
        let id = self.id.clone().unwrap_or_default().into_bytes();
        let raw = |tnf: Tnf, record_type: &[u8], payload: Vec<u8>| NdefRecord {
            tnf,
            record_type: record_type.to_vec(),
            id: id.clone(),
            payload,
        };
        Ok(match self.record_type.as_str() {
            "empty" => raw(Tnf::Empty, b"", Vec::new()),
            "url" => NdefRecord {
                id: id.clone(),
                ..NdefRecord::uri(&utf8(&self.data, "URL")?)
            },
            "text" => {
                let lang = self.lang.as_deref().unwrap_or("en");
                let text = self.text()?;
                NdefRecord {
                    id: id.clone(),
                    ..NdefRecord::text(&text, lang)
                }
            }
            "smart-poster" => raw(Tnf::WellKnown, b"Sp", self.data.clone()),
            "mime" => raw(
                Tnf::Media,
                self.media_type
                    .as_deref()
                    .unwrap_or("application/octet-stream")
                    .as_bytes(),
                self.data.clone(),
            ),
            "absolute-url" => raw(Tnf::AbsoluteUri, &self.data, Vec::new()),
            "unknown" => raw(Tnf::Unknown, b"", self.data.clone()),
            t if t.len() > 1 && t.starts_with(':') => {
                raw(Tnf::WellKnown, &t.as_bytes()[1..], self.data.clone())
            }
            t if t.contains(':') && !t.starts_with(':') => {
                raw(Tnf::External, t.as_bytes(), self.data.clone())
            }
            other => {
                return Err(Error::new(
                    ErrorKind::BadNdef,
                    format!("unknown Web NFC record type '{other}'"),
                ));
            }
        })
    }

    /// The text of a `text` record, decoded with its encoding.
    pub fn text(&self) -> Result<String> {
        match self
            .encoding
            .as_deref()
            .unwrap_or("utf-8")
            .to_ascii_lowercase()
            .as_str()
        {
            "utf-8" | "utf8" => utf8(&self.data, "text"),
            enc @ ("utf-16" | "utf-16be" | "utf-16le") => {
                if !self.data.len().is_multiple_of(2) {
                    return Err(Error::new(
                        ErrorKind::BadNdef,
                        "a UTF-16 text with an odd number of bytes",
                    ));
                }
                let (mut little, mut data) = (enc == "utf-16le", self.data.as_slice());
                if let Some(rest) = data.strip_prefix(&[0xFF, 0xFE]) {
                    (little, data) = (true, rest);
                } else if let Some(rest) = data.strip_prefix(&[0xFE, 0xFF]) {
                    (little, data) = (false, rest);
                }
                let units = data.chunks(2).map(|c| {
                    if little {
                        u16::from_le_bytes([c[0], c[1]])
                    } else {
                        u16::from_be_bytes([c[0], c[1]])
                    }
                });
                char::decode_utf16(units)
                    .collect::<Result<String, _>>()
                    .map_err(|_| Error::new(ErrorKind::BadNdef, "the text is not valid UTF-16"))
            }
            other => Err(Error::new(
                ErrorKind::BadNdef,
                format!("unknown text encoding '{other}'"),
            )),
        }
    }
}

/// The code an NFC card can hold for `text` (a typed code, an old-format QR's text, or a code link). A signed
/// token is refused with `bad_format`: its claims and signature do not fit an NTAG213, so it stays a QR code.
pub fn card_code(text: &str) -> Result<TokenCode> {
    match parse_token(text)? {
        ParsedToken::Code(code) => Ok(code),
        ParsedToken::Signed(_) => Err(Error::new(
            ErrorKind::BadFormat,
            "NFC cards hold token codes: a signed token does not fit an NTAG213, show it as a QR code",
        )),
    }
}

/// The Web NFC records of an old-format card: a URL record `scheme://host/t/<code>` and a Text record (`en`) with
/// the code, both in the canonical form `XXXX-XXXX-XXXX-XXXX-C`.
pub fn card_records(code: &TokenCode, base: &LinkBase) -> Vec<WebNfcRecord> {
    let text = code.to_string();
    vec![
        WebNfcRecord {
            record_type: "url".into(),
            data: base.link(&text).into_bytes(),
            ..Default::default()
        },
        WebNfcRecord {
            record_type: "text".into(),
            encoding: Some("utf-8".into()),
            lang: Some("en".into()),
            data: text.into_bytes(),
            ..Default::default()
        },
    ]
}

/// The raw NDEF message of an old-format card (see [`card_records`]).
pub fn card_message(code: &TokenCode, base: &LinkBase) -> Vec<u8> {
    let text = code.to_string();
    // Two well-formed records of at most 61 and 28 bytes: nothing to check.
    encode_records(&[
        NdefRecord::uri(&base.link(&text)),
        NdefRecord::text(&text, "en"),
    ])
}

/// What to write into the card's user memory: the message in TLV framing (at most 92 bytes, for an NTAG213's 144).
pub fn card_memory(code: &TokenCode, base: &LinkBase) -> Vec<u8> {
    let message = card_message(code, base);
    wrap(&message, message.len() as u16)
}

/// The token on a card, from its Web NFC records: every URL record pointing at `/t/` and every Text record is read
/// as a token; they must agree (`ndef_mismatch`). Other records are ignored. `no_token` if none holds a token; if
/// none reads as a token but some tried, the first record's error.
pub fn token_from_ndef(records: &[WebNfcRecord]) -> Result<ParsedToken> {
    let mut found: Option<ParsedToken> = None;
    let mut first_error: Option<Error> = None;
    for record in records {
        let text = match record.record_type.as_str() {
            "url" | "absolute-url" => match std::str::from_utf8(&record.data) {
                Ok(url) if looks_like_token_link(url) => url.to_string(),
                _ => continue,
            },
            "text" => match record.text() {
                Ok(t) => t,
                Err(e) => {
                    first_error.get_or_insert(e);
                    continue;
                }
            },
            _ => continue,
        };
        match parse_token(&text) {
            Ok(token) => match &found {
                Some(previous) if *previous != token => {
                    return Err(Error::new(
                        ErrorKind::NdefMismatch,
                        "the records on this card name different tokens: rewrite the card",
                    ));
                }
                _ => found = Some(token),
            },
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (found, first_error) {
        (Some(token), _) => Ok(token),
        (None, Some(e)) => Err(e),
        (None, None) => Err(Error::new(
            ErrorKind::NoToken,
            "this card holds no action token",
        )),
    }
}

fn looks_like_token_link(url: &str) -> bool {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .is_some_and(|path| path.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("/t/")))
}

/// The token in a raw NDEF message (see [`token_from_ndef`]).
pub fn token_from_ndef_message(message: &[u8]) -> Result<ParsedToken> {
    let records = decode_message(message)?
        .iter()
        .map(WebNfcRecord::from_raw)
        .collect::<Result<Vec<_>>>()?;
    token_from_ndef(&records)
}

/// The token in a card's user memory (TLV framing around an NDEF message).
pub fn token_from_tag_memory(memory: &[u8]) -> Result<ParsedToken> {
    token_from_ndef_message(unwrap_tlv(memory)?)
}
