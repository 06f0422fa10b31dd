//! The JavaScript API of fieldtoken, as the `fieldtoken` npm package (`pkg/`).
//!
//! This crate only translates between JavaScript values and `fieldtoken-core`: every rule is decided in the
//! core, so a verdict in the browser is the verdict on the server. Errors are thrown as `Error` objects named
//! `FieldTokenError` with the core's stable `code`; no function panics on any input (in the browser a panic
//! would kill the page's scanner), and `scanRgba` never throws at all.
//!
//! The shapes of the objects (`TokenInfo`, `Verdict`, `OfflineBundle`, ...) are in the TypeScript section
//! below, and documented for people in `pkg/README.md`.

mod js;
pub mod png;

use fieldtoken_core::ndef::card_records;
use fieldtoken_core::{
    CompactBundle, Error, ErrorKind, LinkBase, QrMatrix, Timestamp, link::split_token_link,
    parse_token, token_from_ndef,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** The stable codes of `FieldTokenError`: every code of the core's `ErrorKind::ALL` (tests/error_codes.rs checks). */
export type ErrorCode =
  | "empty" | "bad_length" | "bad_symbol" | "bad_check_symbol" | "truncated" | "trailing_data"
  | "unsupported_version" | "bad_format" | "bad_signature" | "unknown_key" | "other_org" | "expired" | "deleted"
  | "unknown_token" | "unknown_device" | "unknown_fleet" | "clock" | "bad_link" | "bad_host" | "bad_ndef"
  | "ndef_mismatch" | "no_token" | "bad_id" | "bad_name" | "bad_expiry" | "unknown_permission" | "forbidden"
  | "qr_too_long" | "access_token_not_effective" | "access_token_pending_verification"
  | "delete_needs_not_effective" | "delete_needs_unassociated" | "participant_not_terminated" | "association_locked"
  | "classification_locked" | "participant_other_account" | "pending_verification_locked"
  | "set_not_effective_needs_effective" | "set_effective_needs_not_effective" | "reset_pass_code_needs_effective"
  | "reset_verification_needs_pending" | "verify_needs_pending" | "wrong_verification_code" | "not_associated"
  | "already_associated" | "accounts_receivable_terminated" | "rewards_participant_terminated"
  | "classification_mismatch" | "identifier_required" | "pass_code_required" | "authentication_code_required"
  | "bad_identifier" | "bad_pass_code" | "bad_authentication_code" | "read_only_field" | "bad_definition"
  | "no_active_definition" | "several_active_definitions" | "bad_actor" | "bad_serial";

/** What every function of this package throws: an `Error` with `name === "FieldTokenError"`. */
export interface FieldTokenError extends Error {
  name: "FieldTokenError";
  /** Stable, for programs: e.g. `bad_check_symbol`, `bad_signature`, `expired`. */
  code: ErrorCode;
  /** For people in the field. */
  message: string;
  /** 1-based: a symbol of a code, a character of a payload, a byte of an NFC message, when known. */
  position?: number;
}

/** What a token does, as in the MDM's JSON. `fleet_id` only for `put_in_fleet`. */
export type Action =
  | { type: "put_in_fleet"; fleet_id: number }
  | { type: "put_in_repair" | "put_in_stock" | "reset_certificate" };

/** A token as read, before any check (`parseToken`, `tokenFromNdef`). */
export type TokenInfo =
  | {
      format: "signed";
      key_id: number;
      org: number;
      token_id: number;
      action: Action;
      /** Milliseconds since 1970 (UTC): the token works strictly before this instant. */
      expires_at: number;
    }
  | {
      format: "code";
      /** Canonical `XXXX-XXXX-XXXX-XXXX-C`. */
      code: string;
    };

/** A token that passed the offline checks (`verifyToken`). */
export interface Verdict {
  format: "signed" | "code";
  token_id: number;
  org: number;
  action: Action;
  /** Milliseconds since 1970 (UTC). */
  expires_at: number;
}

/** A time: milliseconds since 1970, or an RFC 3339 string. */
export type Time = number | string;

/**
 * The offline bundle, as the MDM's `GET /api/v1/offline-bundle` returns it (the object, or its JSON text).
 * Byte strings are lower- or upper-case hex. Absent lists are empty; an absent `org` is the bundle's `org`.
 */
export interface OfflineBundle {
  /** The phone's organisation. */
  org: number;
  /** The organisation's Ed25519 public keys. */
  keys?: { key_id: number; public_key: string; org?: number }[];
  /** Keyed hashes of old-format codes: `hash` = first 16 bytes of HMAC-SHA256(key, code bytes). */
  directory?: {
    /** 32 bytes (64 hex digits). */
    key: string;
    entries?: { hash: string; token_id: number; org?: number; action: Action; expires_at: Time }[];
  };
  /** Ids of tokens deleted since they were issued. */
  deleted?: number[];
  fleets?: { id: number; org?: number; name?: string }[];
  devices?: {
    id: number;
    org?: number;
    state: "in_fleet" | "in_repair" | "in_stock";
    fleet_id?: number | null;
    /** The enrolled device key, 32 bytes in hex; null once reset. */
    certificate?: string | null;
  }[];
  /** Key ids an admin retired: a token signed with one fails with `bad_signature`, saying so. */
  retired_keys?: number[];
}

/** What `bundleInfo` says about compact bundle bytes. */
export interface CompactBundleInfo {
  org: number;
  /** The revision the bytes bring a phone to: send it as `since` for the next refresh. */
  version: number;
  /** For changes: the revision they start from; absent for a full bundle. */
  since?: number;
}

/** QR rendering options. */
export interface QrOptions {
  /** Error correction level, default "M" (the level of the format budget). */
  ecc?: "L" | "M" | "Q" | "H";
  /** Pixels per module, 1 to 32 for PNG (1 to 1000 for SVG, where it sets width and height); default 8. */
  scale?: number;
  /** Quiet zone in modules, 0 to 16; default 4 (the QR standard's). */
  margin?: number;
}

/**
 * A Web NFC record (`NDEFRecordInit`): pass `ndefRecords(...)` to `NDEFReader.write({ records })`.
 * `data` is a string for `url` and UTF-8 `text` records, bytes otherwise.
 */
export interface NdefRecordInit {
  recordType: string;
  mediaType?: string;
  id?: string;
  encoding?: string;
  lang?: string;
  data?: string | BufferSource;
}

/** What `tokenFromNdef` reads: records (as `NDEFReader` gives them, `data` a `DataView`), a message, or its bytes. */
export type NdefInput = NdefRecordInit[] | { records: NdefRecordInit[] } | BufferSource;
"#;

fn throw(error: &Error) -> JsValue {
    js::error(error)
}

/// The version of the fieldtoken core inside this package.
#[wasm_bindgen]
pub fn version() -> String {
    fieldtoken_core::VERSION.to_owned()
}

/// Decodes every QR code in one RGBA frame (`width * height * 4` bytes, as in a canvas `ImageData`) and
/// returns their texts. Never throws: a buffer of the wrong size or type, or a frame without a code, gives `[]`.
#[wasm_bindgen(js_name = scanRgba)]
pub fn scan_rgba(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | Uint8ClampedArray")] data: JsValue,
    width: u32,
    height: u32,
) -> Vec<String> {
    match js::bytes(&data) {
        Some(pixels) => fieldtoken_scan::scan_rgba(&pixels, width, height),
        None => Vec::new(),
    }
}

/// Reads any token text: a deep link, the signed text form `FT:...`, or a code (old-format QR or typed).
#[wasm_bindgen(js_name = parseToken, unchecked_return_type = "TokenInfo")]
pub fn parse_token_js(text: &str) -> Result<JsValue, JsValue> {
    parse_token(text)
        .map(|token| js::token_info(&token))
        .map_err(|e| throw(&e))
}

/// The offline verdict on a token text against an offline bundle, at `nowMs` (milliseconds since 1970, the
/// phone's clock): signature or code directory, deletion, organisation, expiry. Throws the first failed check.
/// Reads the whole bundle on every call: for large bundles, read it once with `new Verifier(bundle)`.
#[wasm_bindgen(js_name = verifyToken, unchecked_return_type = "Verdict")]
pub fn verify_token_js(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "OfflineBundle | string")] bundle: JsValue,
    #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
) -> Result<JsValue, JsValue> {
    Verifier::new(bundle)?.verify_token(text, now_ms)
}

/// An offline bundle read once, to verify many tokens against it: reading a bundle of thousands of codes
/// costs milliseconds, verifying a token against it microseconds (a signature about a millisecond).
#[wasm_bindgen]
pub struct Verifier {
    bundle: fieldtoken_core::OfflineBundle,
}

#[wasm_bindgen]
impl Verifier {
    /// Reads the offline bundle (the object, or its JSON text); throws `bad_format` naming the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "OfflineBundle | string")] bundle: JsValue,
    ) -> Result<Verifier, JsValue> {
        let bundle = js::bundle(&bundle).map_err(|e| throw(&e))?;
        Ok(Verifier { bundle })
    }

    /// Reads a compact offline bundle (`GET /api/v1/offline-bundle?format=compact`, docs/FORMATS.md): its bytes
    /// as a `Uint8Array` or `ArrayBuffer`, never JSON, so a bundle of 100,000 codes is read in milliseconds. Throws
    /// `truncated`, `trailing_data`, `unsupported_version` or `bad_format` for broken bytes, and `bad_format` for
    /// changes (apply them to the full bundle first with `applyBundleChanges`).
    #[wasm_bindgen(js_name = fromCompact)]
    pub fn from_compact(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
    ) -> Result<Verifier, JsValue> {
        let bytes = js::bytes(&bytes).ok_or_else(|| {
            throw(&js::bad_input(
                "bundle",
                "must be a Uint8Array or an ArrayBuffer",
            ))
        })?;
        let bundle = fieldtoken_core::compact::offline_bundle(&bytes).map_err(|e| throw(&e))?;
        Ok(Verifier { bundle })
    }

    /// The same verdict as the function `verifyToken`, against this bundle.
    #[wasm_bindgen(js_name = verifyToken, unchecked_return_type = "Verdict")]
    pub fn verify_token(
        &self,
        text: &str,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        // A NaN or infinite clock would silently read as 1970 (nothing expired): refuse it instead.
        if !now_ms.is_finite() {
            return Err(throw(&js::bad_input(
                "nowMs",
                "must be a finite number of milliseconds",
            )));
        }
        fieldtoken_core::verify_token(text, &self.bundle, Timestamp::from_millis(now_ms as i64))
            .map(|token| js::verdict(&token))
            .map_err(|e| throw(&e))
    }
}

fn compact_of(bytes: &JsValue, what: &str) -> Result<CompactBundle, JsValue> {
    let bytes = js::bytes(bytes).ok_or_else(|| {
        throw(&js::bad_input(
            what,
            "must be a Uint8Array or an ArrayBuffer",
        ))
    })?;
    CompactBundle::decode(&bytes).map_err(|e| throw(&e))
}

/// The phone's compact bundle after the changes the MDM sent (`?format=compact&since=VERSION`): the new full
/// bundle's bytes, to keep and to build a `Verifier` from. When the MDM answered a full bundle (its change log did
/// not reach back), that bundle is the answer. Throws `bad_format` for changes that do not start at the bundle's
/// version or are of another organisation (fetch the full bundle then).
#[wasm_bindgen(js_name = applyBundleChanges)]
pub fn apply_bundle_changes(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bundle: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] changes: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let changes = compact_of(&changes, "changes")?;
    if !changes.is_changes() {
        return Ok(changes.encode());
    }
    let mut bundle = compact_of(&bundle, "bundle")?;
    bundle.apply(&changes).map_err(|e| throw(&e))?;
    Ok(bundle.encode())
}

/// The organisation and version of compact bundle bytes (and `since` for changes), without building anything.
#[wasm_bindgen(js_name = bundleInfo, unchecked_return_type = "CompactBundleInfo")]
pub fn bundle_info(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> Result<JsValue, JsValue> {
    let b = compact_of(&bytes, "bundle")?;
    let info = js_sys::Object::new();
    let set = |k: &str, v: f64| {
        let _ = js_sys::Reflect::set(&info, &k.into(), &v.into());
    };
    set("org", f64::from(b.org.get()));
    set("version", b.version as f64);
    if let Some(since) = b.since {
        set("since", since as f64);
    }
    Ok(info.into())
}

/// A typed code in its canonical form `XXXX-XXXX-XXXX-XXXX-C`; throws with the position of a mistake.
#[wasm_bindgen(js_name = normalizeCode)]
pub fn normalize_code(input: &str) -> Result<String, JsValue> {
    fieldtoken_core::normalize_code(input).map_err(|e| throw(&e))
}

/// The largest SVG `scale`: only the `width` and `height` attributes grow with it.
const MAX_SVG_SCALE: u32 = 1000;

/// The QR code of `text` as an SVG document (one path, black on white).
#[wasm_bindgen(js_name = qrSvg)]
pub fn qr_svg(
    text: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "QrOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let options =
        js::qr_options(&options, MAX_SVG_SCALE, png::MAX_MARGIN).map_err(|e| throw(&e))?;
    let matrix = QrMatrix::encode(text, options.ecc).map_err(|e| throw(&e))?;
    Ok(matrix.to_svg(options.scale, options.margin))
}

/// The QR code of `text` as a PNG file (1-bit grayscale).
#[wasm_bindgen(js_name = qrPng)]
pub fn qr_png(
    text: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "QrOptions")] options: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let options =
        js::qr_options(&options, png::MAX_SCALE, png::MAX_MARGIN).map_err(|e| throw(&e))?;
    let matrix = QrMatrix::encode(text, options.ecc).map_err(|e| throw(&e))?;
    Ok(png::qr_png(&matrix, options.scale, options.margin))
}

/// The Web NFC records of an old-format card: a URL record `https://host/t/CODE`, then a Text record with the
/// code. `text` is the card's link, or a code with `base` the MDM's address (`https://mdm.example.com`).
#[wasm_bindgen(js_name = ndefRecords, unchecked_return_type = "NdefRecordInit[]")]
pub fn ndef_records(text: &str, base: Option<String>) -> Result<JsValue, JsValue> {
    let code = fieldtoken_core::card_code(text).map_err(|e| throw(&e))?;
    let base = match base {
        Some(base) => LinkBase::parse(&base),
        None => split_token_link(text).map(|(base, _)| base).map_err(|_| {
            Error::new(
                ErrorKind::BadLink,
                "give the MDM's address (e.g. https://mdm.example.com) for the card's link",
            )
        }),
    }
    .map_err(|e| throw(&e))?;
    let records = card_records(&code, &base);
    Ok(records
        .iter()
        .map(js::ndef_record)
        .collect::<js_sys::Array>()
        .into())
}

/// The token on an NFC card: from Web NFC records (`NDEFReader`'s `event.message`, or its `records`) or from
/// the raw bytes of an NDEF message. Throws `no_token`, `ndef_mismatch`, `bad_ndef`, `truncated`, ...
#[wasm_bindgen(js_name = tokenFromNdef, unchecked_return_type = "TokenInfo")]
pub fn token_from_ndef_js(
    #[wasm_bindgen(unchecked_param_type = "NdefInput")] records: JsValue,
) -> Result<JsValue, JsValue> {
    let token = match js::ndef_input(&records).map_err(|e| throw(&e))? {
        js::NdefInput::Records(records) => token_from_ndef(&records),
        js::NdefInput::Message(bytes) => fieldtoken_core::ndef::token_from_ndef_message(&bytes),
    };
    token.map(|t| js::token_info(&t)).map_err(|e| throw(&e))
}
