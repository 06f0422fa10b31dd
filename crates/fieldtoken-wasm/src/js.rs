//! Conversions between JavaScript values and core types: errors, token objects, the offline bundle's JSON,
//! QR options and Web NFC records. Built by hand on `js_sys` rather than through serde: the shapes are few and
//! flat, and hand-written readers say exactly which field is wrong (`bundle.keys[2].public_key: ...`).

use std::collections::{BTreeMap, BTreeSet};

use fieldtoken_core::{
    Action, ActionTokenId, Certificate, CodeDirectory, CodeHash, Device, DeviceId, DeviceState,
    DirectoryEntry, DirectoryKey, Ecc, Error, ErrorKind, Expiry, Fleet, FleetId, KeyId, KeyRing,
    OfflineBundle, OrgId, OrgPublicKey, ParsedToken, VerifiedToken, WebNfcRecord,
};
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// The name of every error this package throws, so callers can tell them from other errors.
pub const ERROR_NAME: &str = "FieldTokenError";

/// A core error as a thrown JS value: an `Error` (so `instanceof Error` holds and it has a stack) named
/// `FieldTokenError`, with the stable `code`, the `message`, and the 1-based `position` when there is one.
pub fn error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(error.message());
    js.set_name(ERROR_NAME);
    set(&js, "code", &error.code().into());
    if let Some(position) = error.position() {
        set(&js, "position", &(position as f64).into());
    }
    js.into()
}

/// `bad_format` for a value the caller passed in the wrong shape, with the path of the value.
pub fn bad_input(path: &str, what: &str) -> Error {
    Error::new(ErrorKind::BadFormat, format!("{path}: {what}"))
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property of a fresh plain object or Error cannot fail (no setters, not frozen).
    let _ = Reflect::set(target, &key.into(), value);
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object: JsValue = Object::new().into();
    for (key, value) in fields {
        set(&object, key, value);
    }
    object
}

fn get(target: &JsValue, key: &str) -> JsValue {
    if target.is_object() {
        Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

// ---------------------------------------------------------------------------------------------------------
// Token objects (TokenInfo, Verdict)

fn action(action: Action) -> JsValue {
    match action.fleet() {
        Some(fleet) => object(&[
            ("type", action.type_name().into()),
            ("fleet_id", fleet.get().into()),
        ]),
        None => object(&[("type", action.type_name().into())]),
    }
}

fn millis(expiry: Expiry) -> JsValue {
    (expiry.as_timestamp().as_millis() as f64).into()
}

/// `TokenInfo`: what a token says, before any check.
pub fn token_info(token: &ParsedToken) -> JsValue {
    match token {
        ParsedToken::Signed(signed) => {
            let claims = signed.claims();
            object(&[
                ("format", token.format().as_str().into()),
                ("key_id", claims.key_id.get().into()),
                ("org", claims.org.get().into()),
                ("token_id", claims.token_id.get().into()),
                ("action", action(claims.action)),
                ("expires_at", millis(claims.expires_at)),
            ])
        }
        ParsedToken::Code(code) => object(&[
            ("format", token.format().as_str().into()),
            ("code", code.to_string().into()),
        ]),
    }
}

/// `Verdict`: a token that passed the offline checks.
pub fn verdict(token: &VerifiedToken) -> JsValue {
    object(&[
        ("format", token.format.as_str().into()),
        ("token_id", token.token_id.get().into()),
        ("org", token.org.get().into()),
        ("action", action(token.action)),
        ("expires_at", millis(token.expires_at)),
    ])
}

// ---------------------------------------------------------------------------------------------------------
// Reading plain values

fn number(value: &JsValue, path: &str) -> Result<f64, Error> {
    value
        .as_f64()
        .filter(|n| n.is_finite())
        .ok_or_else(|| bad_input(path, "must be a number"))
}

fn id<T>(value: &JsValue, path: &str, new: impl Fn(i64) -> Result<T, Error>) -> Result<T, Error> {
    let n = number(value, path)?;
    if n.fract() != 0.0 {
        return Err(bad_input(path, "must be a whole number"));
    }
    // Saturating cast: out-of-range values stay out of range and `new` refuses them.
    new(n as i64).map_err(|e| Error::new(e.kind(), format!("{path}: {}", e.message())))
}

fn string(value: &JsValue, path: &str) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| bad_input(path, "must be a string"))
}

fn optional_string(value: &JsValue, path: &str) -> Result<Option<String>, Error> {
    if absent(value) {
        Ok(None)
    } else {
        string(value, path).map(Some)
    }
}

/// An array (an empty one when the field is absent), to read item by item: collecting every item at once
/// would hold thousands of JS references alive and grow wasm-bindgen's reference table one slot at a time.
fn list(value: &JsValue, path: &str) -> Result<Array, Error> {
    if absent(value) {
        Ok(Array::new())
    } else if Array::is_array(value) {
        Ok(value.clone().unchecked_into())
    } else {
        Err(bad_input(path, "must be an array"))
    }
}

fn hex<const N: usize>(value: &JsValue, path: &str) -> Result<[u8; N], Error> {
    let text = string(value, path)?;
    fieldtoken_core::hex::decode_array(&text).map_err(|e| match e.kind() {
        ErrorKind::BadLength => bad_input(path, &format!("must be {} hex digits", 2 * N)),
        _ => bad_input(path, "holds a character that is not a hex digit"),
    })
}

/// A time as milliseconds since the epoch: a number, or a date string that `Date.parse` reads (RFC 3339).
pub fn time_millis(value: &JsValue, path: &str) -> Result<i64, Error> {
    let ms = match value.as_string() {
        Some(text) => js_sys::Date::parse(&text),
        None => value.as_f64().unwrap_or(f64::NAN),
    };
    if !ms.is_finite() {
        return Err(bad_input(
            path,
            "must be milliseconds since 1970 or an RFC 3339 date",
        ));
    }
    Ok(ms as i64)
}

// ---------------------------------------------------------------------------------------------------------
// The offline bundle

/// Reads the offline bundle (the MDM's `GET /api/v1/offline-bundle` JSON, as an object or as JSON text).
/// Absent lists are empty; an absent `org` on a key, directory entry, fleet or device is the bundle's `org`.
pub fn bundle(value: &JsValue) -> Result<OfflineBundle, Error> {
    let parsed;
    let value = match value.as_string() {
        Some(text) => {
            parsed =
                js_sys::JSON::parse(&text).map_err(|_| bad_input("bundle", "is not valid JSON"))?;
            &parsed
        }
        None => value,
    };
    if !value.is_object() {
        return Err(bad_input("bundle", "must be the offline bundle object"));
    }
    let org = id(&get(value, "org"), "bundle.org", OrgId::from_i64)?;
    let org_of = |item: &JsValue, path: &str| {
        let v = get(item, "org");
        if absent(&v) {
            Ok(org)
        } else {
            id(&v, &format!("{path}.org"), OrgId::from_i64)
        }
    };

    let mut keys = KeyRing::new();
    for (i, item) in list(&get(value, "keys"), "bundle.keys")?.iter().enumerate() {
        let item = &item;
        let path = format!("bundle.keys[{i}]");
        let key_id = id(
            &get(item, "key_id"),
            &format!("{path}.key_id"),
            KeyId::from_i64,
        )?;
        let bytes = hex::<32>(&get(item, "public_key"), &format!("{path}.public_key"))?;
        keys.insert(OrgPublicKey::from_bytes(
            key_id,
            org_of(item, &path)?,
            bytes,
        )?);
    }

    let directory_value = get(value, "directory");
    let mut directory = if absent(&directory_value) {
        CodeDirectory::new(DirectoryKey::from_bytes([0; 32]))
    } else {
        let key = hex::<32>(&get(&directory_value, "key"), "bundle.directory.key")?;
        CodeDirectory::new(DirectoryKey::from_bytes(key))
    };
    let entries = list(
        &get(&directory_value, "entries"),
        "bundle.directory.entries",
    )?;
    for (i, item) in entries.iter().enumerate() {
        let item = &item;
        let path = format!("bundle.directory.entries[{i}]");
        let hash = CodeHash::from_bytes(hex::<16>(&get(item, "hash"), &format!("{path}.hash"))?);
        let entry = DirectoryEntry {
            token_id: id(
                &get(item, "token_id"),
                &format!("{path}.token_id"),
                ActionTokenId::from_i64,
            )?,
            org: org_of(item, &path)?,
            action: action_of(&get(item, "action"), &format!("{path}.action"))?,
            expires_at: Expiry::from_millis(time_millis(
                &get(item, "expires_at"),
                &format!("{path}.expires_at"),
            )?)?,
        };
        directory.insert(hash, entry);
    }

    let mut deleted = BTreeSet::new();
    for (i, item) in list(&get(value, "deleted"), "bundle.deleted")?
        .iter()
        .enumerate()
    {
        let item = &item;
        deleted.insert(id(
            item,
            &format!("bundle.deleted[{i}]"),
            ActionTokenId::from_i64,
        )?);
    }

    let mut fleets = BTreeMap::new();
    for (i, item) in list(&get(value, "fleets"), "bundle.fleets")?
        .iter()
        .enumerate()
    {
        let item = &item;
        let path = format!("bundle.fleets[{i}]");
        let fleet = Fleet {
            id: id(&get(item, "id"), &format!("{path}.id"), FleetId::from_i64)?,
            org: org_of(item, &path)?,
            name: optional_string(&get(item, "name"), &format!("{path}.name"))?.unwrap_or_default(),
        };
        fleets.insert(fleet.id, fleet);
    }

    let mut devices = BTreeMap::new();
    for (i, item) in list(&get(value, "devices"), "bundle.devices")?
        .iter()
        .enumerate()
    {
        let item = &item;
        let path = format!("bundle.devices[{i}]");
        let certificate = get(item, "certificate");
        let device = Device {
            id: id(&get(item, "id"), &format!("{path}.id"), DeviceId::from_i64)?,
            org: org_of(item, &path)?,
            state: device_state(item, &path)?,
            certificate: if absent(&certificate) {
                None
            } else {
                Some(Certificate::from_bytes(hex::<32>(
                    &certificate,
                    &format!("{path}.certificate"),
                )?))
            },
        };
        devices.insert(device.id, device);
    }

    let mut retired_keys = BTreeSet::new();
    for (i, item) in list(&get(value, "retired_keys"), "bundle.retired_keys")?
        .iter()
        .enumerate()
    {
        retired_keys.insert(id(
            &item,
            &format!("bundle.retired_keys[{i}]"),
            KeyId::from_i64,
        )?);
    }

    Ok(OfflineBundle {
        org,
        keys,
        directory,
        deleted,
        fleets,
        devices,
        retired_keys,
    })
}

fn optional_fleet(value: &JsValue, path: &str) -> Result<Option<FleetId>, Error> {
    if absent(value) {
        Ok(None)
    } else {
        id(value, path, FleetId::from_i64).map(Some)
    }
}

/// `{ "type": "put_in_fleet", "fleet_id": 3 }` and the other three actions (the MDM's action JSON).
fn action_of(value: &JsValue, path: &str) -> Result<Action, Error> {
    let type_name = string(&get(value, "type"), &format!("{path}.type"))?;
    let fleet = optional_fleet(&get(value, "fleet_id"), &format!("{path}.fleet_id"))?;
    Action::from_parts(&type_name, fleet)
        .map_err(|e| Error::new(e.kind(), format!("{path}: {}", e.message())))
}

/// A device's `state` (`in_fleet`, `in_repair`, `in_stock`) with its `fleet_id` (the MDM's device JSON).
fn device_state(item: &JsValue, path: &str) -> Result<DeviceState, Error> {
    let state = string(&get(item, "state"), &format!("{path}.state"))?;
    let fleet = optional_fleet(&get(item, "fleet_id"), &format!("{path}.fleet_id"))?;
    match (state.as_str(), fleet) {
        ("in_fleet", Some(fleet)) => Ok(DeviceState::InFleet(fleet)),
        ("in_repair", _) => Ok(DeviceState::InRepair),
        ("in_stock", _) => Ok(DeviceState::InStock),
        ("in_fleet", None) => Err(bad_input(path, "state in_fleet needs fleet_id")),
        _ => Err(bad_input(
            &format!("{path}.state"),
            "must be in_fleet, in_repair or in_stock",
        )),
    }
}

// ---------------------------------------------------------------------------------------------------------
// QR options

/// `QrOptions`: `{ ecc?: "L" | "M" | "Q" | "H", scale?: number, margin?: number }`.
pub struct QrOptions {
    /// The error correction level (default M, the level of the format budget).
    pub ecc: Ecc,
    /// Pixels per module (default 8).
    pub scale: u32,
    /// Quiet zone in modules (default 4, as the QR standard asks).
    pub margin: u32,
}

/// Reads `QrOptions`; `max_scale` and `max_margin` bound the image a caller can ask for.
pub fn qr_options(value: &JsValue, max_scale: u32, max_margin: u32) -> Result<QrOptions, Error> {
    let mut options = QrOptions {
        ecc: Ecc::M,
        scale: 8,
        margin: 4,
    };
    if absent(value) {
        return Ok(options);
    }
    if !value.is_object() {
        return Err(bad_input("options", "must be an object"));
    }
    let ecc = get(value, "ecc");
    if !absent(&ecc) {
        options.ecc = Ecc::parse(&string(&ecc, "options.ecc")?)?;
    }
    let whole = |key: &str, min: u32, max: u32| -> Result<Option<u32>, Error> {
        let v = get(value, key);
        if absent(&v) {
            return Ok(None);
        }
        let path = format!("options.{key}");
        let n = number(&v, &path)?;
        if n.fract() != 0.0 || n < f64::from(min) || n > f64::from(max) {
            return Err(bad_input(
                &path,
                &format!("must be a whole number from {min} to {max}"),
            ));
        }
        Ok(Some(n as u32))
    };
    if let Some(scale) = whole("scale", 1, max_scale)? {
        options.scale = scale;
    }
    if let Some(margin) = whole("margin", 0, max_margin)? {
        options.margin = margin;
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------------------------
// Bytes and Web NFC records

/// The bytes of a `Uint8Array`, `Uint8ClampedArray`, any other typed array, `DataView` or `ArrayBuffer`;
/// `None` for anything else.
pub fn bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        return Some(array.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Some(Uint8Array::new(buffer).to_vec());
    }
    if ArrayBuffer::is_view(value) {
        // A view of any element type: read its bytes through a Uint8Array over the same range, no JS copy.
        let buffer = get(value, "buffer");
        let offset = get(value, "byteOffset").as_f64()?;
        let length = get(value, "byteLength").as_f64()?;
        let view =
            Uint8Array::new_with_byte_offset_and_length(&buffer, offset as u32, length as u32);
        return Some(view.to_vec());
    }
    None
}

/// The Web NFC form of a record: `data` is a string for `url`, `absolute-url` and UTF-8 `text` records (what
/// `NDEFReader.write` accepts for them), a `Uint8Array` otherwise.
pub fn ndef_record(record: &WebNfcRecord) -> JsValue {
    let text_data = matches!(record.record_type.as_str(), "url" | "absolute-url")
        || (record.record_type == "text"
            && record
                .encoding
                .as_deref()
                .is_none_or(|e| e.eq_ignore_ascii_case("utf-8")));
    let data: JsValue = match std::str::from_utf8(&record.data) {
        Ok(text) if text_data => text.into(),
        _ => Uint8Array::from(record.data.as_slice()).into(),
    };
    let mut fields = vec![("recordType", record.record_type.as_str().into())];
    for (key, value) in [
        ("mediaType", &record.media_type),
        ("id", &record.id),
        ("encoding", &record.encoding),
        ("lang", &record.lang),
    ] {
        if let Some(value) = value {
            fields.push((key, value.as_str().into()));
        }
    }
    fields.push(("data", data));
    object(&fields)
}

/// What `tokenFromNdef` was given: Web NFC records, or the raw bytes of an NDEF message.
pub enum NdefInput {
    /// Records as Web NFC reads (`NDEFRecord`, `data` a `DataView`) or writes them (`NDEFRecordInit`).
    Records(Vec<WebNfcRecord>),
    /// An NDEF message's bytes.
    Message(Vec<u8>),
}

/// Reads an array of records, an `NDEFMessage`-like `{ records }`, or the bytes of a message.
pub fn ndef_input(value: &JsValue) -> Result<NdefInput, Error> {
    if let Some(message) = bytes(value) {
        return Ok(NdefInput::Message(message));
    }
    let records = get(value, "records");
    let records = if Array::is_array(value) {
        value
    } else if Array::is_array(&records) {
        &records
    } else {
        return Err(Error::new(
            ErrorKind::BadNdef,
            "records: give the records of an NFC message (an array, or the message's bytes)",
        ));
    };
    let mut out = Vec::new();
    for (i, item) in Array::from(records).iter().enumerate() {
        let path = format!("records[{i}]");
        if !item.is_object() {
            return Err(Error::new(
                ErrorKind::BadNdef,
                format!("{path}: a record must be an object"),
            ));
        }
        let field = |key: &str| optional_string(&get(&item, key), &format!("{path}.{key}"));
        let mut record = WebNfcRecord {
            record_type: field("recordType")?.unwrap_or_default(),
            media_type: field("mediaType")?,
            id: field("id")?,
            encoding: field("encoding")?,
            lang: field("lang")?,
            data: Vec::new(),
        };
        let data = get(&item, "data");
        if let Some(text) = data.as_string() {
            // Web NFC writes string data as UTF-8 whatever `encoding` says.
            record.data = text.into_bytes();
            if record.record_type == "text" {
                record.encoding = Some("utf-8".into());
            }
        } else if let Some(data) = bytes(&data) {
            record.data = data;
        } else if !absent(&data) {
            return Err(Error::new(
                ErrorKind::BadNdef,
                format!(
                    "{path}.data: must be a string, a DataView, a typed array or an ArrayBuffer"
                ),
            ));
        }
        out.push(record);
    }
    Ok(NdefInput::Records(out))
}
