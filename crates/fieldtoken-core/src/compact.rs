//! The compact offline bundle: the whole bundle, or only what changed since a revision, in one binary layout
//! (`docs/FORMATS.md`, "Compact offline bundle"). The JSON bundle spends about 270 bytes per token and device; this
//! form spends about 20 per token (16 of them the code hash, which no compression shrinks) and a few per device,
//! and a phone reads it without parsing text.
//!
//! A phone keeps one full [`CompactBundle`], applies the changes the MDM sends since its `version`
//! ([`CompactBundle::apply`]), and verifies against [`CompactBundle::to_offline_bundle`]. Reading never panics:
//! any input that breaks the layout is an [`Error`] (`truncated`, `trailing_data`, `unsupported_version` or
//! `bad_format`) naming the byte where it went wrong.

use std::collections::{BTreeMap, BTreeSet};

use crate::action::Action;
use crate::device::{Certificate, Device, DeviceState, Fleet};
use crate::directory::{CODE_HASH_LEN, CodeDirectory, CodeHash, DirectoryEntry, DirectoryKey};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{ActionTokenId, DeviceId, Expiry, FleetId, KeyId, OrgId, Timestamp};
use crate::signed::{KeyRing, OrgPublicKey};
use crate::token::OfflineBundle;

/// The first four bytes: `FTB` and the layout's version, 1.
pub const MAGIC: [u8; 4] = *b"FTB\x01";
/// The media type of the compact bundle on the wire.
pub const MEDIA_TYPE: &str = "application/vnd.fieldtoken.bundle";

const FULL: u8 = 0;
const CHANGES: u8 = 1;

/// A token in the compact directory: its code's keyed hash and what it does (its organisation is the bundle's).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CompactEntry {
    /// The keyed hash of the token's code.
    pub hash: CodeHash,
    /// What it does.
    pub action: Action,
    /// When it stops working.
    pub expires_at: Expiry,
}

/// A device as a phone knows it: where it is, its serial, and whether it is enrolled (never its key).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CompactDevice {
    /// The serial printed on it.
    pub serial: String,
    /// Where it is.
    pub state: DeviceState,
    /// Whether it holds a certificate.
    pub enrolled: bool,
}

/// A full bundle (`since` is `None`) or the changes since revision `since`. In a full bundle the `removed_*`
/// sets are empty; in changes, a listed item replaces the phone's, a removed one leaves it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CompactBundle {
    /// The organisation.
    pub org: OrgId,
    /// The organisation's revision this bundle (or these changes) bring the phone to.
    pub version: u64,
    /// For changes: the revision they start from.
    pub since: Option<u64>,
    /// When the MDM built it.
    pub generated_at: Timestamp,
    /// The code directory's key.
    pub directory_key: DirectoryKey,
    /// Public keys that verify signed tokens, by id.
    pub keys: BTreeMap<KeyId, OrgPublicKey>,
    /// Keys to forget.
    pub removed_keys: BTreeSet<KeyId>,
    /// Keys an admin retired (their QR codes are refused).
    pub retired_keys: BTreeSet<KeyId>,
    /// The code directory, by token id.
    pub entries: BTreeMap<ActionTokenId, CompactEntry>,
    /// Tokens whose directory entry and name leave (deleted ones are also in `deleted`).
    pub removed_tokens: BTreeSet<ActionTokenId>,
    /// Deleted tokens.
    pub deleted: BTreeSet<ActionTokenId>,
    /// Token names, by id.
    pub names: BTreeMap<ActionTokenId, String>,
    /// Fleet names, by id.
    pub fleets: BTreeMap<FleetId, String>,
    /// Fleets that no longer exist.
    pub removed_fleets: BTreeSet<FleetId>,
    /// Devices, by id.
    pub devices: BTreeMap<DeviceId, CompactDevice>,
    /// Devices that left the organisation's lists (retired).
    pub removed_devices: BTreeSet<DeviceId>,
}

impl CompactBundle {
    /// An empty full bundle of `org` at `version`.
    pub fn new(
        org: OrgId,
        version: u64,
        generated_at: Timestamp,
        directory_key: DirectoryKey,
    ) -> Self {
        CompactBundle {
            org,
            version,
            since: None,
            generated_at,
            directory_key,
            keys: BTreeMap::new(),
            removed_keys: BTreeSet::new(),
            retired_keys: BTreeSet::new(),
            entries: BTreeMap::new(),
            removed_tokens: BTreeSet::new(),
            deleted: BTreeSet::new(),
            names: BTreeMap::new(),
            fleets: BTreeMap::new(),
            removed_fleets: BTreeSet::new(),
            devices: BTreeMap::new(),
            removed_devices: BTreeSet::new(),
        }
    }

    /// Whether these are changes rather than a full bundle.
    pub fn is_changes(&self) -> bool {
        self.since.is_some()
    }

    /// Applies changes the MDM sent since this bundle's version: afterwards it is the full bundle at their
    /// version. Refuses (`bad_format`, nothing changed) changes of another organisation or directory key, or that
    /// do not start at this bundle's version, and a full bundle (replace the bundle with it instead).
    pub fn apply(&mut self, changes: &CompactBundle) -> Result<()> {
        let refuse = |why: &str| {
            Err(Error::new(
                ErrorKind::BadFormat,
                format!("these bundle changes do not fit this bundle: {why}"),
            ))
        };
        if self.is_changes() {
            return refuse("only a full bundle takes changes");
        }
        match changes.since {
            None => return refuse("they are a full bundle"),
            Some(since) if since != self.version => {
                return refuse("they start from another version");
            }
            Some(_) => {}
        }
        if changes.org != self.org {
            return refuse("they are of another organisation");
        }
        if changes.directory_key != self.directory_key {
            return refuse("they have another directory key");
        }
        for id in &changes.removed_keys {
            self.keys.remove(id);
        }
        self.keys.extend(changes.keys.clone());
        self.retired_keys
            .extend(changes.retired_keys.iter().copied());
        for id in &changes.removed_tokens {
            self.entries.remove(id);
            self.names.remove(id);
        }
        self.entries
            .extend(changes.entries.iter().map(|(k, v)| (*k, *v)));
        self.names.extend(changes.names.clone());
        self.deleted.extend(changes.deleted.iter().copied());
        for id in &changes.removed_fleets {
            self.fleets.remove(id);
        }
        self.fleets.extend(changes.fleets.clone());
        for id in &changes.removed_devices {
            self.devices.remove(id);
        }
        self.devices.extend(changes.devices.clone());
        self.version = changes.version;
        self.generated_at = changes.generated_at;
        Ok(())
    }

    /// What the core checks tokens against. Device certificates are not in the bundle: an enrolled device gets a
    /// placeholder certificate, as only "enrolled or not" matters offline.
    pub fn to_offline_bundle(&self) -> OfflineBundle {
        let org = self.org;
        let mut directory = CodeDirectory::new(self.directory_key.clone());
        for (id, e) in &self.entries {
            directory.insert(
                e.hash,
                DirectoryEntry {
                    token_id: *id,
                    org,
                    action: e.action,
                    expires_at: e.expires_at,
                },
            );
        }
        let mut keys = KeyRing::new();
        for key in self.keys.values() {
            keys.insert(key.clone());
        }
        OfflineBundle {
            org,
            keys,
            directory,
            deleted: self.deleted.clone(),
            fleets: self
                .fleets
                .iter()
                .map(|(id, name)| {
                    (
                        *id,
                        Fleet {
                            id: *id,
                            org,
                            name: name.clone(),
                        },
                    )
                })
                .collect(),
            devices: self
                .devices
                .iter()
                .map(|(id, d)| {
                    (
                        *id,
                        Device {
                            id: *id,
                            org,
                            state: d.state,
                            certificate: d.enrolled.then_some(Certificate::from_bytes([0; 32])),
                        },
                    )
                })
                .collect(),
            retired_keys: self.retired_keys.clone(),
        }
    }

    /// The bytes (`docs/FORMATS.md`, "Compact offline bundle").
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.entries.len() * 22 + self.devices.len() * 16);
        out.extend_from_slice(&MAGIC);
        out.push(if self.is_changes() { CHANGES } else { FULL });
        put(&mut out, u64::from(self.org.get()));
        put(&mut out, self.version);
        if let Some(since) = self.since {
            put(&mut out, since);
        }
        put(&mut out, self.generated_at.as_millis().max(0) as u64);
        out.extend_from_slice(&self.directory_key.to_bytes());

        put(&mut out, self.keys.len() as u64);
        let mut last = 0;
        for (id, key) in &self.keys {
            put_id(&mut out, &mut last, id.get());
            out.extend_from_slice(&key.to_bytes());
        }
        put_ids(&mut out, self.removed_keys.iter().map(|k| k.get()));
        put_ids(&mut out, self.retired_keys.iter().map(|k| k.get()));

        put(&mut out, self.entries.len() as u64);
        let (mut last, mut expiry) = (0, 0i64);
        for (id, e) in &self.entries {
            put_id(&mut out, &mut last, id.get());
            out.extend_from_slice(&e.hash.to_bytes());
            match e.action {
                Action::PutInFleet(fleet) => {
                    out.push(0);
                    put(&mut out, u64::from(fleet.get()));
                }
                Action::PutInRepair => out.push(1),
                Action::PutInStock => out.push(2),
                Action::ResetCertificate => out.push(3),
            }
            let seconds = i64::from(e.expires_at.as_seconds());
            put(&mut out, zigzag(seconds - expiry));
            expiry = seconds;
        }
        put_ids(&mut out, self.removed_tokens.iter().map(|t| t.get()));
        put_ids(&mut out, self.deleted.iter().map(|t| t.get()));

        put(&mut out, self.names.len() as u64);
        let mut last = 0;
        for (id, name) in &self.names {
            put_id(&mut out, &mut last, id.get());
            put_text(&mut out, name);
        }

        put(&mut out, self.fleets.len() as u64);
        let mut last = 0;
        for (id, name) in &self.fleets {
            put_id(&mut out, &mut last, id.get());
            put_text(&mut out, name);
        }
        put_ids(&mut out, self.removed_fleets.iter().map(|f| f.get()));

        put(&mut out, self.devices.len() as u64);
        let mut last = 0;
        for (id, d) in &self.devices {
            put_id(&mut out, &mut last, id.get());
            put_text(&mut out, &d.serial);
            let enrolled = u8::from(d.enrolled) << 2;
            match d.state {
                DeviceState::InFleet(fleet) => {
                    out.push(enrolled);
                    put(&mut out, u64::from(fleet.get()));
                }
                DeviceState::InRepair => out.push(enrolled | 1),
                DeviceState::InStock => out.push(enrolled | 2),
            }
        }
        put_ids(&mut out, self.removed_devices.iter().map(|d| d.get()));
        out
    }

    /// Reads the bytes of [`CompactBundle::encode`]. Every id is strictly ascending within its list, every key a
    /// valid Ed25519 point, every text UTF-8; anything else is an error, never a panic.
    pub fn decode(bytes: &[u8]) -> Result<CompactBundle> {
        let mut r = Reader { bytes, at: 0 };
        let head = header(&mut r)?;
        let mut b = CompactBundle::new(
            head.org,
            head.version,
            head.generated_at,
            head.directory_key.clone(),
        );
        b.since = head.since;
        let sets = body(&mut r, &head, &mut b)?;
        b.removed_keys = sets.removed_keys;
        b.retired_keys = sets.retired_keys;
        b.removed_tokens = sets.removed_tokens;
        b.deleted = sets.deleted;
        b.removed_fleets = sets.removed_fleets;
        b.removed_devices = sets.removed_devices;
        Ok(b)
    }
}

/// What the core checks tokens against, read straight from the bytes of a full compact bundle: the same checks as
/// [`CompactBundle::decode`], but names and serials are only checked, never copied, and the directory is built
/// in one pass. This is what a phone's verifier needs at 100,000 codes (tens of milliseconds, not hundreds).
/// Changes are refused (`bad_format`): apply them to the full bundle first.
pub fn offline_bundle(bytes: &[u8]) -> Result<OfflineBundle> {
    let mut r = Reader { bytes, at: 0 };
    let head = header(&mut r)?;
    if head.since.is_some() {
        return Err(Error::new(
            ErrorKind::BadFormat,
            "these are changes to a bundle, not a bundle: apply them to the full bundle first",
        ));
    }
    let mut checks = Checks {
        org: head.org,
        keys: KeyRing::new(),
        entries: Vec::new(),
        fleets: BTreeMap::new(),
        devices: Vec::new(),
    };
    let sets = body(&mut r, &head, &mut checks)?;
    Ok(OfflineBundle {
        org: head.org,
        keys: checks.keys,
        directory: CodeDirectory::from_hashed(head.directory_key, checks.entries),
        deleted: sets.deleted,
        fleets: checks.fleets,
        // Ids ascend (checked), so the map is built from sorted input in one pass.
        devices: checks.devices.into_iter().collect(),
        retired_keys: sets.retired_keys,
    })
}

/// The fixed fields before the lists.
struct Header {
    org: OrgId,
    version: u64,
    since: Option<u64>,
    generated_at: Timestamp,
    directory_key: DirectoryKey,
}

/// The id lists of a bundle.
struct Sets {
    removed_keys: BTreeSet<KeyId>,
    retired_keys: BTreeSet<KeyId>,
    removed_tokens: BTreeSet<ActionTokenId>,
    deleted: BTreeSet<ActionTokenId>,
    removed_fleets: BTreeSet<FleetId>,
    removed_devices: BTreeSet<DeviceId>,
}

/// Where the reader puts the items of the lists, as it reads them (texts are borrowed from the input).
trait Sink {
    fn key(&mut self, key: OrgPublicKey);
    fn entry(&mut self, id: ActionTokenId, entry: CompactEntry);
    fn name(&mut self, id: ActionTokenId, name: &str);
    fn fleet(&mut self, id: FleetId, name: &str);
    fn device(&mut self, id: DeviceId, serial: &str, state: DeviceState, enrolled: bool);
}

impl Sink for CompactBundle {
    fn key(&mut self, key: OrgPublicKey) {
        self.keys.insert(key.key_id(), key);
    }
    fn entry(&mut self, id: ActionTokenId, entry: CompactEntry) {
        self.entries.insert(id, entry);
    }
    fn name(&mut self, id: ActionTokenId, name: &str) {
        self.names.insert(id, name.to_owned());
    }
    fn fleet(&mut self, id: FleetId, name: &str) {
        self.fleets.insert(id, name.to_owned());
    }
    fn device(&mut self, id: DeviceId, serial: &str, state: DeviceState, enrolled: bool) {
        self.devices.insert(
            id,
            CompactDevice {
                serial: serial.to_owned(),
                state,
                enrolled,
            },
        );
    }
}

/// The parts of a bundle the core's checks read.
struct Checks {
    org: OrgId,
    keys: KeyRing,
    entries: Vec<(CodeHash, DirectoryEntry)>,
    fleets: BTreeMap<FleetId, Fleet>,
    devices: Vec<(DeviceId, Device)>,
}

impl Sink for Checks {
    fn key(&mut self, key: OrgPublicKey) {
        self.keys.insert(key);
    }
    fn entry(&mut self, id: ActionTokenId, e: CompactEntry) {
        self.entries.push((
            e.hash,
            DirectoryEntry {
                token_id: id,
                org: self.org,
                action: e.action,
                expires_at: e.expires_at,
            },
        ));
    }
    fn name(&mut self, _: ActionTokenId, _: &str) {}
    fn fleet(&mut self, id: FleetId, name: &str) {
        self.fleets.insert(
            id,
            Fleet {
                id,
                org: self.org,
                name: name.to_owned(),
            },
        );
    }
    fn device(&mut self, id: DeviceId, _: &str, state: DeviceState, enrolled: bool) {
        self.devices.push((
            id,
            Device {
                id,
                org: self.org,
                state,
                certificate: enrolled.then_some(Certificate::from_bytes([0; 32])),
            },
        ));
    }
}

fn header(r: &mut Reader) -> Result<Header> {
    let magic = r.take(4)?;
    if magic[..3] != MAGIC[..3] {
        return Err(Error::at(
            ErrorKind::BadFormat,
            1,
            "this is not a compact offline bundle (it does not start with FTB)",
        ));
    }
    if magic[3] != MAGIC[3] {
        return Err(Error::at(
            ErrorKind::UnsupportedVersion,
            4,
            "this compact offline bundle is of a newer layout: update the app",
        ));
    }
    let kind = r.byte()?;
    if kind > CHANGES {
        return Err(r.bad("kind (0 full, 1 changes)"));
    }
    let org = OrgId::new(r.u32()?).map_err(|_| r.bad("organisation"))?;
    let version = r.varint()?;
    let since = if kind == CHANGES {
        Some(r.varint()?)
    } else {
        None
    };
    let generated_at = r.varint()?;
    let generated_at = i64::try_from(generated_at)
        .map(Timestamp::from_millis)
        .map_err(|_| r.bad("time"))?;
    let directory_key = DirectoryKey::from_bytes(r.array()?);
    Ok(Header {
        org,
        version,
        since,
        generated_at,
        directory_key,
    })
}

fn body(r: &mut Reader, head: &Header, sink: &mut impl Sink) -> Result<Sets> {
    let (org, full) = (head.org, head.since.is_none());
    let mut last = 0;
    for _ in 0..r.count(33)? {
        let id = KeyId::new(r.id(&mut last)?).map_err(|_| r.bad("key id"))?;
        let at = r.at;
        let key = OrgPublicKey::from_bytes(id, org, r.array()?).map_err(|_| {
            Error::at(
                ErrorKind::BadFormat,
                at + 1,
                "the compact offline bundle holds a public key that is not an Ed25519 point",
            )
        })?;
        sink.key(key);
    }
    let removed_keys = r.ids(|id| KeyId::new(id).ok())?;
    let retired_keys = r.ids(|id| KeyId::new(id).ok())?;

    let (mut last, mut expiry) = (0, 0i64);
    for _ in 0..r.count(1 + CODE_HASH_LEN + 2)? {
        let id = ActionTokenId::new(r.id(&mut last)?).map_err(|_| r.bad("token id"))?;
        let hash = CodeHash::from_bytes(r.array()?);
        let action = match r.byte()? {
            0 => Action::PutInFleet(FleetId::new(r.u32()?).map_err(|_| r.bad("fleet id"))?),
            1 => Action::PutInRepair,
            2 => Action::PutInStock,
            3 => Action::ResetCertificate,
            _ => return Err(r.bad("action")),
        };
        expiry = unzigzag(r.varint()?)
            .checked_add(expiry)
            .filter(|s| u32::try_from(*s).is_ok())
            .ok_or_else(|| r.bad("expiry"))?;
        sink.entry(
            id,
            CompactEntry {
                hash,
                action,
                expires_at: Expiry::from_seconds(expiry as u32),
            },
        );
    }
    let removed_tokens = r.ids(|id| ActionTokenId::new(id).ok())?;
    let deleted = r.ids(|id| ActionTokenId::new(id).ok())?;

    let mut last = 0;
    for _ in 0..r.count(2)? {
        let id = ActionTokenId::new(r.id(&mut last)?).map_err(|_| r.bad("token id"))?;
        let name = r.text()?;
        sink.name(id, name);
    }
    let mut last = 0;
    for _ in 0..r.count(2)? {
        let id = FleetId::new(r.id(&mut last)?).map_err(|_| r.bad("fleet id"))?;
        let name = r.text()?;
        sink.fleet(id, name);
    }
    let removed_fleets = r.ids(|id| FleetId::new(id).ok())?;

    let mut last = 0;
    for _ in 0..r.count(3)? {
        let id = DeviceId::new(r.id(&mut last)?).map_err(|_| r.bad("device id"))?;
        let serial = r.text()?;
        let flags = r.byte()?;
        if flags & !0b111 != 0 {
            return Err(r.bad("device state"));
        }
        let state = match flags & 0b11 {
            0 => DeviceState::InFleet(FleetId::new(r.u32()?).map_err(|_| r.bad("fleet id"))?),
            1 => DeviceState::InRepair,
            2 => DeviceState::InStock,
            _ => return Err(r.bad("device state")),
        };
        sink.device(id, serial, state, flags & 0b100 != 0);
    }
    let removed_devices = r.ids(|id| DeviceId::new(id).ok())?;
    if r.at != r.bytes.len() {
        return Err(Error::at(
            ErrorKind::TrailingData,
            r.at + 1,
            "the compact offline bundle goes on after its last list",
        ));
    }
    if full
        && !(removed_keys.is_empty()
            && removed_tokens.is_empty()
            && removed_fleets.is_empty()
            && removed_devices.is_empty())
    {
        return Err(Error::new(
            ErrorKind::BadFormat,
            "a full compact offline bundle removes nothing",
        ));
    }
    Ok(Sets {
        removed_keys,
        retired_keys,
        removed_tokens,
        deleted,
        removed_fleets,
        removed_devices,
    })
}

fn put(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Ids ascend strictly, so each is written as its distance from the previous one (the first from 0).
fn put_id(out: &mut Vec<u8>, last: &mut u32, id: u32) {
    put(out, u64::from(id - *last));
    *last = id;
}

fn put_ids(out: &mut Vec<u8>, ids: impl ExactSizeIterator<Item = u32>) {
    put(out, ids.len() as u64);
    let mut last = 0;
    for id in ids {
        put_id(out, &mut last, id);
    }
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn truncated(&self) -> Error {
        Error::at(
            ErrorKind::Truncated,
            self.bytes.len() + 1,
            "the compact offline bundle stops before its end",
        )
    }

    /// A bad field at the byte just read.
    fn bad(&self, what: &str) -> Error {
        Error::at(
            ErrorKind::BadFormat,
            self.at.max(1),
            format!("the compact offline bundle has a bad {what}"),
        )
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.truncated())?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// An unsigned LEB128 number of at most 64 bits, in its shortest form.
    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if (shift == 63 && part > 1) || (shift > 0 && b == 0) {
                return Err(self.bad("number"));
            }
            value |= part << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.bad("number"))
    }

    fn u32(&mut self) -> Result<u32> {
        let v = self.varint()?;
        u32::try_from(v).map_err(|_| self.bad("id"))
    }

    /// The next id of a strictly ascending list.
    fn id(&mut self, last: &mut u32) -> Result<u32> {
        let step = self.u32()?;
        if step == 0 {
            return Err(self.bad("list order (ids ascend strictly)"));
        }
        *last = last.checked_add(step).ok_or_else(|| self.bad("id"))?;
        Ok(*last)
    }

    /// A list's length, bounded by what is left (each item takes at least `min` bytes), so a forged count
    /// cannot make the reader reserve memory it will never fill.
    fn count(&mut self, min: usize) -> Result<usize> {
        let n = self.varint()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n > left / min as u64 {
            return Err(self.truncated());
        }
        Ok(n as usize)
    }

    fn ids<T: Ord>(&mut self, make: impl Fn(u32) -> Option<T>) -> Result<BTreeSet<T>> {
        let mut out = BTreeSet::new();
        let mut last = 0;
        for _ in 0..self.count(1)? {
            let id = self.id(&mut last)?;
            out.insert(make(id).ok_or_else(|| self.bad("id"))?);
        }
        Ok(out)
    }

    fn text(&mut self) -> Result<&'a str> {
        let n = self.varint()?;
        let n = usize::try_from(n).map_err(|_| self.truncated())?;
        let at = self.at;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).map_err(|_| {
            Error::at(
                ErrorKind::BadFormat,
                at + 1,
                "the compact offline bundle holds a text that is not UTF-8",
            )
        })
    }
}

#[cfg(test)]
mod tests;
