//! The operator screens' plain data: the offline bundle's wire form and its one mapping to the core's
//! [`OfflineBundle`], the queued redemptions and their states, and the words shown for the core's stable error
//! codes. No rule is decided here: verdicts come from `fieldtoken-core`, this module only names them.

use fieldtoken_api::RequestTime;
use fieldtoken_api::devices::DeviceState as WireState;
use fieldtoken_api::sync::{RejectReason, SyncRedemption, SyncStatus};
use fieldtoken_core::sync::{ClockOffset, PhoneClock};
use fieldtoken_core::{
    Action, ActionTokenId, Certificate, CodeDirectory, CodeHash, CompactBundle, Device, DeviceId,
    DeviceState, DirectoryEntry, DirectoryKey, Error, ErrorKind, Expiry, Fleet, FleetId, KeyId,
    KeyRing, OfflineBundle, OrgId, OrgPublicKey, Timestamp, VerifiedToken, parse_token,
    verify_token,
};
use serde::{Deserialize, Serialize};

/// `GET /api/v1/offline-bundle` as sent, declared once in `fieldtoken-api`; stored as is in IndexedDB.
pub use fieldtoken_api::bundle::OfflineBundle as BundleWire;

/// The bundle as the screens use it: the core's bundle plus what only people need (serials).
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// What the core checks against.
    pub core: OfflineBundle,
    /// Device serials, as printed on the devices.
    pub serials: Vec<(String, DeviceId)>,
    /// Token names as the admin gave them, by token id.
    pub names: std::collections::BTreeMap<u32, String>,
    /// When the MDM built it (RFC 3339).
    pub generated_at: String,
}

fn bad(what: &str) -> Error {
    Error::new(
        ErrorKind::BadFormat,
        format!("the offline bundle has a bad {what}"),
    )
}

fn hex32(text: &str) -> Result<[u8; 32], Error> {
    fieldtoken_core::hex::decode_array(text).map_err(|_| bad("key"))
}

fn millis_of(rfc3339: &str) -> Option<i64> {
    let millis = js_sys::Date::parse(rfc3339);
    millis.is_finite().then_some(millis as i64)
}

/// The bundle of the compact form (`?format=compact`), as the core decoded it: nothing to check again.
pub fn from_compact(compact: &CompactBundle) -> Bundle {
    Bundle {
        core: compact.to_offline_bundle(),
        serials: compact
            .devices
            .iter()
            .map(|(id, d)| (d.serial.clone(), *id))
            .collect(),
        names: compact
            .names
            .iter()
            .map(|(id, name)| (id.get(), name.clone()))
            .collect(),
        generated_at: rfc3339(compact.generated_at),
    }
}

/// The core's bundle and the serials of a bundle as sent; any malformed field refuses the whole bundle.
pub fn to_bundle(wire: &BundleWire) -> Result<Bundle, Error> {
    let org = OrgId::new(wire.org)?;
    let mut keys = KeyRing::new();
    for k in &wire.keys {
        keys.insert(OrgPublicKey::from_bytes(
            KeyId::new(k.key_id)?,
            OrgId::new(k.org)?,
            hex32(&k.public_key)?,
        )?);
    }
    let mut directory = CodeDirectory::new(DirectoryKey::from_bytes(hex32(&wire.directory.key)?));
    for e in &wire.directory.entries {
        let expires = millis_of(&e.expires_at.0).ok_or_else(|| bad("expiry"))?;
        directory.insert(
            CodeHash::from_hex(&e.hash)?,
            DirectoryEntry {
                token_id: ActionTokenId::new(e.token_id)?,
                org: OrgId::new(e.org)?,
                action: e.action.to_core()?,
                expires_at: Expiry::from_millis(expires)?,
            },
        );
    }
    let deleted = wire
        .deleted
        .iter()
        .map(|&id| ActionTokenId::new(id))
        .collect::<Result<_, _>>()?;
    let mut fleets = std::collections::BTreeMap::new();
    for f in &wire.fleets {
        let id = FleetId::new(f.id)?;
        fleets.insert(
            id,
            Fleet {
                id,
                org,
                name: f.name.clone(),
            },
        );
    }
    let mut devices = std::collections::BTreeMap::new();
    let mut serials = Vec::new();
    for d in &wire.devices {
        let id = DeviceId::new(d.id)?;
        let state = match (d.state, d.fleet_id) {
            (WireState::InFleet, Some(f)) => DeviceState::InFleet(FleetId::new(f)?),
            (WireState::InRepair, _) => DeviceState::InRepair,
            (WireState::InStock, _) => DeviceState::InStock,
            (WireState::InFleet, None) => return Err(bad("device state")),
        };
        // The bundle says only whether a device is enrolled; its certificate's bytes never leave the MDM.
        let certificate = d.enrolled.then_some(Certificate::from_bytes([0; 32]));
        devices.insert(
            id,
            Device {
                id,
                org,
                state,
                certificate,
            },
        );
        serials.push((d.serial.clone(), id));
    }
    Ok(Bundle {
        core: OfflineBundle {
            org,
            keys,
            directory,
            deleted,
            fleets,
            devices,
            retired_keys: wire
                .retired_keys
                .iter()
                .map(|&id| KeyId::new(id))
                .collect::<Result<_, _>>()?,
        },
        serials,
        names: wire.names.iter().map(|n| (n.id, n.name.clone())).collect(),
        generated_at: wire.generated_at.0.clone(),
    })
}

impl Bundle {
    /// The core's offline verdict on `text`.
    pub fn verify(&self, text: &str, now: Timestamp) -> Result<VerifiedToken, Error> {
        verify_token(text, &self.core, now)
    }

    /// The device with this serial (case and surrounding spaces ignored).
    pub fn device_by_serial(&self, serial: &str) -> Option<DeviceId> {
        let serial = serial.trim();
        self.serials
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(serial))
            .map(|&(_, id)| id)
    }

    /// An action in words, with the fleet's name when the bundle knows it.
    pub fn action_words(&self, action: Action) -> String {
        match action {
            Action::PutInFleet(fleet) => match self.core.fleets.get(&fleet) {
                Some(f) => format!("{} “{}”", action.label(), f.name),
                None => format!("{} #{fleet}", action.label()),
            },
            other => other.label().to_owned(),
        }
    }

    /// A device's state in words.
    pub fn state_words(&self, state: DeviceState) -> String {
        match state {
            DeviceState::InFleet(fleet) => match self.core.fleets.get(&fleet) {
                Some(f) => format!("in fleet “{}”", f.name),
                None => format!("in fleet #{fleet}"),
            },
            DeviceState::InRepair => "in repair".to_owned(),
            DeviceState::InStock => "in stock".to_owned(),
        }
    }
}

/// What typing in the "Token code" box means so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Feedback {
    /// Nothing wrong yet (empty, or a code still being typed).
    Hint(String),
    /// A complete token that reads well.
    Readable(String),
    /// A mistake, with where it is.
    Mistake(String),
}

/// Live feedback on the "Token code" box, from the core's stable error codes and 1-based positions.
pub fn code_feedback(text: &str) -> Feedback {
    if text.trim().is_empty() {
        return Feedback::Hint(
            "Type the 17 symbols of the code (XXXX-XXXX-XXXX-XXXX-C) or paste a token link.".into(),
        );
    }
    match parse_token(text) {
        Ok(token) => Feedback::Readable(match token {
            fieldtoken_core::ParsedToken::Code(code) => format!("Code {code}: the check symbol matches."),
            fieldtoken_core::ParsedToken::Signed(_) => "A signed token (new format).".into(),
        }),
        Err(e) => match (e.kind(), e.position()) {
            (ErrorKind::BadLength, Some(p)) if p <= fieldtoken_core::code::CODE_SYMBOLS => {
                Feedback::Hint(format!("{} of 17 symbols typed.", p - 1))
            }
            (ErrorKind::BadLength, _) => Feedback::Mistake("The code is too long: a code has 17 symbols.".into()),
            (ErrorKind::BadSymbol, Some(p)) => Feedback::Mistake(format!(
                "Symbol {p} is not a code character ({}).",
                e.message().split_once(": ").map_or(e.message(), |(_, hint)| hint)
            )),
            (ErrorKind::BadCheckSymbol, _) => Feedback::Mistake(
                "The check symbol does not match: a symbol is mistyped or two neighbours are swapped.".into(),
            ),
            _ => Feedback::Mistake(sentence(e.message())),
        },
    }
}

/// A core message as a sentence: capital first letter, final full stop.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// Why the offline verdict refused a token, in words.
pub fn verdict_words(error: &Error) -> String {
    match error.kind() {
        ErrorKind::UnknownKey => {
            "This token was signed with a key this phone does not know yet: connect once to update its offline data."
                .into()
        }
        ErrorKind::UnsupportedVersion => "Update required: this token is of a newer format than this app reads.".into(),
        _ => sentence(error.message()),
    }
}

/// Where a queued redemption stands.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ItemState {
    /// On this phone, not yet acknowledged by the MDM.
    #[default]
    Waiting,
    /// The MDM applied it.
    Applied,
    /// The MDM had it already.
    Duplicate,
    /// A later scan had already acted on the device.
    Superseded,
    /// The MDM refused it, for the stable reason given.
    Rejected {
        /// The MDM's reason word.
        reason: Option<String>,
    },
}

impl ItemState {
    /// The state in words.
    pub fn words(&self) -> String {
        match self {
            ItemState::Waiting => "waiting to sync".into(),
            ItemState::Applied => "applied".into(),
            ItemState::Duplicate => "duplicate: the MDM already had it".into(),
            ItemState::Superseded => "superseded: a later scan acted on this device".into(),
            ItemState::Rejected { reason } => {
                format!("rejected: {}", reason_words(reason.as_deref()))
            }
        }
    }

    /// The state from a sync result, or `None` for a status this app does not know (kept waiting).
    pub fn from_result(status: SyncStatus, reason: Option<RejectReason>) -> Option<ItemState> {
        Some(match status {
            SyncStatus::Applied => ItemState::Applied,
            SyncStatus::Duplicate => ItemState::Duplicate,
            SyncStatus::Superseded => ItemState::Superseded,
            SyncStatus::Rejected => ItemState::Rejected {
                reason: reason.map(|reason| reason.as_str().to_owned()),
            },
            SyncStatus::Unknown => return None,
        })
    }
}

/// The MDM's reason word (DESIGN.md's list) in words.
pub fn reason_words(reason: Option<&str>) -> String {
    match reason {
        Some("expired") => "the token had expired".into(),
        Some("deleted") => "the token was deleted".into(),
        Some("other_org") => "the token belongs to another organisation".into(),
        Some("unknown_token") => "the MDM does not know this token".into(),
        Some("unknown_device") => "the MDM does not know this device".into(),
        Some("unknown_fleet") => "the token's fleet no longer exists".into(),
        Some("bad_signature") => "the token's signature does not verify".into(),
        Some("clock") => "the phone's clock was wrong when it was scanned".into(),
        Some(other) => other.replace('_', " "),
        None => "no reason given".into(),
    }
}

/// One redemption kept on the phone: what is sent to the MDM, what the queue shows, and where it stands.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct QueueItem {
    /// The client-made id (the MDM's idempotency key).
    pub id: String,
    /// The token text as scanned or typed.
    pub token: String,
    /// The device acted on.
    pub device_id: u32,
    /// When it was scanned, by the MDM's clock as this phone knows it (RFC 3339).
    pub scanned_at: String,
    /// The same, in milliseconds, for ordering.
    pub scanned_at_ms: i64,
    /// The device's serial, for people.
    pub serial: String,
    /// The action in words, for people.
    pub action: String,
    /// Where it stands.
    #[serde(default)]
    pub state: ItemState,
}

impl QueueItem {
    /// The redemption as `POST /api/v1/sync` takes it.
    pub fn to_wire(&self) -> SyncRedemption {
        SyncRedemption {
            id: self.id.clone(),
            token: self.token.clone(),
            device_id: i64::from(self.device_id),
            scanned_at: RequestTime::Text(self.scanned_at.clone()),
        }
    }
}

/// What the queue does after a sync that failed as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again by itself after this many seconds.
    RetryIn(u64),
    /// Trying again unchanged would fail the same way: wait for the operator (sign in again, "Sync now").
    WaitForOperator,
}

/// The first retry after a failed sync, in seconds; each further failure doubles it, up to [`MAX_RETRY_S`].
pub const FIRST_RETRY_S: u64 = 5;
/// The longest wait between automatic retries, in seconds.
pub const MAX_RETRY_S: u64 = 300;

/// After the `failures`-th failure in a row with HTTP `status` (0: the MDM was not reached): back off
/// exponentially while the network or the MDM is down, never sooner than the MDM's `Retry-After`, and stop
/// retrying on a refusal that a resend cannot change (a 4xx such as an expired sign-in).
pub fn after_failure(status: u16, retry_after: Option<u32>, failures: u32) -> AfterFailure {
    let backoff = FIRST_RETRY_S
        .saturating_mul(1 << failures.saturating_sub(1).min(6))
        .min(MAX_RETRY_S);
    match status {
        0 | 408 | 500..=599 | 429 => {
            AfterFailure::RetryIn(backoff.max(retry_after.map_or(0, u64::from)))
        }
        _ => AfterFailure::WaitForOperator,
    }
}

/// The answer of `POST /api/v1/sync`, declared once in `fieldtoken-api`.
pub use fieldtoken_api::sync::SyncResponse as SyncAnswer;

const CLOCK_KEY: &str = "fieldtoken.clock_offset_ms";
const FLOOR_KEY: &str = "fieldtoken.clock_floor_ms";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn stored_millis(key: &str) -> Option<i64> {
    storage()?.get_item(key).ok()??.parse().ok()
}

fn wall_now() -> Timestamp {
    Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// `performance.now()`: a clock that setting the date does not move (it restarts with each page load).
fn monotonic_now() -> i64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0, |p| p.now() as i64)
}

thread_local! {
    /// The phone's clock as this page load knows it (the monotonic anchor lives only here).
    static CLOCK: std::cell::Cell<Option<PhoneClock>> = const { std::cell::Cell::new(None) };
}

fn phone_clock() -> PhoneClock {
    CLOCK.with(|c| c.get()).unwrap_or_else(|| {
        let offset = ClockOffset::from_sync(
            Timestamp::from_millis(stored_millis(CLOCK_KEY).unwrap_or(0)),
            Timestamp::from_millis(0),
        );
        PhoneClock::restored(
            offset,
            Timestamp::from_millis(stored_millis(FLOOR_KEY).unwrap_or(0)),
        )
    })
}

fn keep_clock(clock: PhoneClock) {
    CLOCK.with(|c| c.set(Some(clock)));
    if let Some(storage) = storage() {
        let _ = storage.set_item(CLOCK_KEY, &clock.offset().millis().to_string());
        let _ = storage.set_item(FLOOR_KEY, &clock.floor().as_millis().to_string());
    }
}

/// The MDM's time now, as this phone best knows it (its clock corrected by the last sync), for verdicts on screen.
pub fn server_now() -> Timestamp {
    phone_clock().offset().server_time(wall_now())
}

/// The time to date a scan with: the MDM's time by this phone's corrected clock, unless that clock went back since
/// the phone last knew the time (the core's [`PhoneClock`]); then the words to show instead of queueing a wrong time.
pub fn scan_time() -> Result<Timestamp, String> {
    let (at, clock) = phone_clock()
        .read(wall_now(), monotonic_now())
        .map_err(|e| format!("Not saved: {e}."))?;
    keep_clock(clock);
    Ok(at)
}

/// Learns the clock from a sync answer's `server_time`.
pub fn learn_clock(server_time: &str) {
    if let Some(server) = millis_of(server_time) {
        keep_clock(PhoneClock::from_sync(
            Timestamp::from_millis(server),
            wall_now(),
            monotonic_now(),
        ));
    }
}

/// A time as RFC 3339 UTC.
pub fn rfc3339(at: Timestamp) -> String {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.as_millis() as f64))
        .to_iso_string()
        .into()
}

/// A fresh redemption id: 16 random bytes from the browser's CSPRNG, as 32 hex digits.
pub fn new_redemption_id() -> Option<String> {
    let mut bytes = [0u8; 16];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// An RFC 3339 instant in the phone's locale and time zone; the input as it is when it does not parse.
pub fn display_time(instant: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(instant));
    if !date.get_time().is_finite() {
        return instant.to_owned();
    }
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

#[cfg(test)]
mod tests;
