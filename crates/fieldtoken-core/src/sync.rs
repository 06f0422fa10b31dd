//! Sync: the phone's queued redemptions and the MDM's decision on them. The decision is one pure function,
//! [`decide_batch`]: the server loads the state a batch needs ([`BatchNeeds`]), calls it, and stores what it returns
//! in one transaction. Rules: a redemption id is applied once whatever the retries; a client cannot date a scan
//! before its previous sync nor more than 5 minutes into the server's future; nobody can date a scan before its
//! token was created nor further back than the token's organisation's `max_offline`; per device the latest scan
//! wins (scan time, then redemption id), and an older scan that arrives later is `superseded`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::action::ActionToken;
use crate::code::TokenCode;
use crate::device::{Device, Fleet};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::{ActionTokenId, DeviceId, FleetId, OrgId, Timestamp};
use crate::signed::KeyRing;
use crate::token::{
    ParsedToken, TokenFormat, VerifiedToken, check_redemption, deleted, parse_token,
};

/// How far into the server's future a scan may be dated: 5 minutes.
pub const MAX_FUTURE_MS: i64 = 5 * 60 * 1000;
/// How far back a scan may be dated when its organisation set nothing else: 72 hours.
pub const DEFAULT_MAX_OFFLINE_MS: i64 = 72 * 60 * 60 * 1000;
/// The least and the most an organisation may set its `max_offline` to: 1 minute to 365 days.
pub const MAX_OFFLINE_RANGE_MS: std::ops::RangeInclusive<i64> =
    60 * 1000..=365 * 24 * 60 * 60 * 1000;
/// The most characters of a redemption id.
pub const MAX_REDEMPTION_ID_LEN: usize = 64;

/// A redemption's id, made by the client (a UUID, say): the idempotency key of the sync. 1 to 64 characters of
/// `A-Z a-z 0-9 - _`. Ordered byte-wise, which breaks ties between scans of the same millisecond.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct RedemptionId(String);

impl RedemptionId {
    /// Checks an id.
    pub fn new(id: &str) -> Result<Self> {
        if id.is_empty() || id.len() > MAX_REDEMPTION_ID_LEN {
            return Err(Error::new(
                ErrorKind::BadId,
                "a redemption id has 1 to 64 characters",
            ));
        }
        if let Some(pos) = id
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            return Err(Error::at(
                ErrorKind::BadId,
                pos + 1,
                "a redemption id holds only letters, digits, - and _",
            ));
        }
        Ok(RedemptionId(id.to_string()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RedemptionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One scan queued on a phone: which token text, on which device, when (by the phone's corrected clock).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Redemption {
    /// The client-made id.
    pub id: RedemptionId,
    /// The token text as scanned or typed (any form [`parse_token`] reads).
    pub token: String,
    /// The device acted on.
    pub device_id: DeviceId,
    /// When it was scanned.
    pub scanned_at: Timestamp,
}

/// A scan's place in the conflict order: by scan time, then by redemption id.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ScanMark {
    /// When it was scanned.
    pub scanned_at: Timestamp,
    /// The redemption id.
    pub id: RedemptionId,
}

/// What became of a redemption.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SyncStatus {
    /// Applied to the device now.
    Applied,
    /// This id was already received (a retry); nothing changes.
    Duplicate,
    /// A later scan already acted on the device; recorded, not applied.
    Superseded,
    /// Refused, for the reason given.
    Rejected,
}

impl SyncStatus {
    /// The stable name: `applied`, `duplicate`, `superseded`, `rejected`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SyncStatus::Applied => "applied",
            SyncStatus::Duplicate => "duplicate",
            SyncStatus::Superseded => "superseded",
            SyncStatus::Rejected => "rejected",
        }
    }
}

/// Why a redemption was rejected.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum RejectReason {
    /// The token had expired when scanned.
    Expired,
    /// The token was deleted.
    Deleted,
    /// The token and the device belong to different organisations.
    OtherOrg,
    /// No such token (or the text is not a token).
    UnknownToken,
    /// No such device.
    UnknownDevice,
    /// The fleet of a `put_in_fleet` token no longer exists.
    UnknownFleet,
    /// The signed token does not verify (altered, forged, unknown key, unsupported version).
    BadSignature,
    /// The scan time breaks the clock rules.
    Clock,
}

impl RejectReason {
    /// The stable word: `expired`, `deleted`, `other_org`, `unknown_token`, `unknown_device`, `unknown_fleet`,
    /// `bad_signature`, `clock`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RejectReason::Expired => "expired",
            RejectReason::Deleted => "deleted",
            RejectReason::OtherOrg => "other_org",
            RejectReason::UnknownToken => "unknown_token",
            RejectReason::UnknownDevice => "unknown_device",
            RejectReason::UnknownFleet => "unknown_fleet",
            RejectReason::BadSignature => "bad_signature",
            RejectReason::Clock => "clock",
        }
    }

    /// The reason for an error of the checks: each rule's kind maps to its word; signature, key and version errors
    /// to `bad_signature`; every other reading error to `unknown_token`.
    pub fn from_error(error: &Error) -> Self {
        match error.kind() {
            ErrorKind::Expired => RejectReason::Expired,
            ErrorKind::Deleted => RejectReason::Deleted,
            ErrorKind::OtherOrg => RejectReason::OtherOrg,
            ErrorKind::UnknownDevice => RejectReason::UnknownDevice,
            ErrorKind::UnknownFleet => RejectReason::UnknownFleet,
            ErrorKind::Clock => RejectReason::Clock,
            ErrorKind::BadSignature | ErrorKind::UnknownKey | ErrorKind::UnsupportedVersion => {
                RejectReason::BadSignature
            }
            _ => RejectReason::UnknownToken,
        }
    }
}

/// The result of one redemption, as sent back to the client.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RedemptionResult {
    /// The redemption id.
    pub id: RedemptionId,
    /// What became of it.
    pub status: SyncStatus,
    /// Why, when rejected.
    pub reason: Option<RejectReason>,
    /// The token it named, when known (for the server's records).
    pub token_id: Option<ActionTokenId>,
}

/// The clock rules for a scan time, given the server's `now` and the client's previous sync (server time).
pub fn check_scan_time(
    scanned_at: Timestamp,
    now: Timestamp,
    previous_sync: Option<Timestamp>,
) -> Result<()> {
    if previous_sync.is_some_and(|previous| scanned_at < previous) {
        return Err(Error::new(
            ErrorKind::Clock,
            "this scan is dated before the phone's previous sync: check the phone's clock",
        ));
    }
    if scanned_at > now.plus_millis(MAX_FUTURE_MS) {
        return Err(Error::new(
            ErrorKind::Clock,
            "this scan is dated more than 5 minutes in the future: check the phone's clock",
        ));
    }
    Ok(())
}

/// The clock rules that hold whoever carries a scan, once its token is known: not dated before the token was
/// created, nor further back than `max_offline` (the token's organisation's) from the server's `now`.
pub fn check_token_time(
    scanned_at: Timestamp,
    now: Timestamp,
    created_at: Timestamp,
    max_offline_ms: i64,
) -> Result<()> {
    if scanned_at < created_at {
        return Err(Error::new(
            ErrorKind::Clock,
            "this scan is dated before its token was created: check the phone's clock",
        ));
    }
    if scanned_at < now.plus_millis(-max_offline_ms) {
        return Err(Error::new(
            ErrorKind::Clock,
            "this scan is dated further back than the organisation lets a phone stay offline: check the phone's clock",
        ));
    }
    Ok(())
}

/// The mark a client's next scans are checked against ("a client cannot date a scan before its own previous
/// sync"), after the server answered `batch` with `results`: the newest scan time the batch reported that was
/// not refused for its clock, never later than `now`, never moving back from `previous`.
///
/// The mark follows the client's own scans rather than the server's clock at each request, so a phone can
/// upload one offline queue in several batches, oldest first, without its later batches reading as
/// backdated; a phone whose clock jumped back still dates new scans before the mark and is refused.
pub fn sync_mark(
    previous: Option<Timestamp>,
    now: Timestamp,
    batch: &[Redemption],
    results: &[RedemptionResult],
) -> Option<Timestamp> {
    let newest = batch
        .iter()
        .zip(results)
        .filter(|(_, result)| result.reason != Some(RejectReason::Clock))
        .map(|(redemption, _)| redemption.scanned_at.min(now))
        .max();
    previous.max(newest)
}

/// The offset between a phone's clock and the server's, learnt at each sync; phones date scans with
/// [`ClockOffset::server_time`] so that a slow or fast phone clock does not break the clock rules.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct ClockOffset(i64);

impl ClockOffset {
    /// The offset from a sync answer: the server's time and the phone's time when the answer arrived.
    pub fn from_sync(server_now: Timestamp, phone_now: Timestamp) -> Self {
        ClockOffset(server_now.as_millis().saturating_sub(phone_now.as_millis()))
    }

    /// The server's time for a phone time.
    pub fn server_time(self, phone_now: Timestamp) -> Timestamp {
        phone_now.plus_millis(self.0)
    }

    /// Milliseconds to add to the phone's clock.
    pub fn millis(self) -> i64 {
        self.0
    }
}

/// How far a phone's corrected clock may read behind what it already knows before it counts as gone back: one
/// minute (time-sync nudges and the rounding of a stored offset stay well inside it).
pub const CLOCK_BACK_TOLERANCE_MS: i64 = 60 * 1000;

/// What a phone knows of the server's time, to date its scans and to notice its own clock going back while
/// offline. The offset of its wall clock comes from the last sync (see [`ClockOffset`]); the *floor* is the
/// latest server time it has known for sure (the last `server_time`, and every reading since), kept across
/// reloads; within one page load a monotonic clock (`performance.now()`, which a changed wall clock does not move)
/// also counts the time since the last sync. A wall clock that reads behind either is a clock that went back:
/// scans are not dated with it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PhoneClock {
    offset: ClockOffset,
    floor: Timestamp,
    /// The monotonic reading and the server's time at the last sync, when it happened in this page load.
    monotonic_anchor: Option<(i64, Timestamp)>,
}

impl PhoneClock {
    /// The clock after a sync answered `server_now`, read when the phone's wall clock said `wall_now` and its
    /// monotonic clock `monotonic_now`.
    pub fn from_sync(server_now: Timestamp, wall_now: Timestamp, monotonic_now: i64) -> Self {
        PhoneClock {
            offset: ClockOffset::from_sync(server_now, wall_now),
            floor: server_now,
            monotonic_anchor: Some((monotonic_now, server_now)),
        }
    }

    /// A clock restored from storage after a reload: the offset and floor survive, the monotonic clock does not.
    pub fn restored(offset: ClockOffset, floor: Timestamp) -> Self {
        PhoneClock {
            offset,
            floor,
            monotonic_anchor: None,
        }
    }

    /// The offset to store.
    pub fn offset(&self) -> ClockOffset {
        self.offset
    }

    /// The floor to store: the latest server time this phone has known.
    pub fn floor(&self) -> Timestamp {
        self.floor
    }

    /// The server's time now by the wall clock (`wall_now`) and the monotonic clock (`monotonic_now`, of this page
    /// load), and the clock that remembers this reading; a `Clock` error, in words, when the wall clock reads more
    /// than [`CLOCK_BACK_TOLERANCE_MS`] behind what the phone already knew.
    pub fn read(&self, wall_now: Timestamp, monotonic_now: i64) -> Result<(Timestamp, PhoneClock)> {
        let estimate = self.offset.server_time(wall_now);
        let elapsed = self
            .monotonic_anchor
            .map(|(mark, server)| server.plus_millis(monotonic_now.saturating_sub(mark).max(0)));
        let known = elapsed.map_or(self.floor, |e| e.max(self.floor));
        let behind = known.as_millis().saturating_sub(estimate.as_millis());
        if behind > CLOCK_BACK_TOLERANCE_MS {
            let minutes = (behind + 59_999) / 60_000;
            return Err(Error::new(
                ErrorKind::Clock,
                format!(
                    "this phone's clock went back about {minutes} minute{} since it last knew the time: set the date and time right, then scan again",
                    if minutes == 1 { "" } else { "s" }
                ),
            ));
        }
        let read = PhoneClock {
            floor: self.floor.max(estimate),
            ..*self
        };
        Ok((estimate, read))
    }
}

/// A token as the server stores it: live or deleted (kept, so that late scans get `deleted`, not `unknown_token`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredToken {
    /// The token.
    pub token: ActionToken,
    /// Whether an admin deleted it.
    pub deleted: bool,
    /// When the server created it: no scan of it can be older.
    pub created_at: Timestamp,
}

/// A device as the server stores it, with the latest scan applied to it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredDevice {
    /// The device.
    pub device: Device,
    /// The latest applied scan, if any.
    pub last_scan: Option<ScanMark>,
}

/// The part of the server's state a batch needs (see [`BatchNeeds`]); more is harmless.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct ServerState {
    /// Public keys of the organisations' signing keys.
    pub keys: KeyRing,
    /// Tokens by id, deleted ones included.
    pub tokens: BTreeMap<ActionTokenId, StoredToken>,
    /// Devices by id.
    pub devices: BTreeMap<DeviceId, StoredDevice>,
    /// Fleets by id.
    pub fleets: BTreeMap<FleetId, Fleet>,
    /// Redemption ids this client already sent (of any status): the server scopes them to the client's
    /// organisation and principal, so another's ids never read as `duplicate`.
    pub seen: BTreeSet<RedemptionId>,
    /// The organisations' `max_offline` in milliseconds; [`DEFAULT_MAX_OFFLINE_MS`] for one not listed.
    pub max_offline_ms: BTreeMap<OrgId, i64>,
}

impl ServerState {
    /// How far back a scan of a token of `org` may be dated.
    pub fn max_offline_ms(&self, org: OrgId) -> i64 {
        self.max_offline_ms
            .get(&org)
            .copied()
            .unwrap_or(DEFAULT_MAX_OFFLINE_MS)
    }
}

/// What the server must load for a batch: the tokens named by id (signed) or by code (old format), the devices, and
/// which redemption ids it already has. Fleets: those of the loaded `put_in_fleet` tokens. Keys: of the tokens' orgs.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct BatchNeeds {
    /// Tokens named by a signed token.
    pub token_ids: BTreeSet<ActionTokenId>,
    /// Tokens named by their code.
    pub codes: BTreeSet<TokenCode>,
    /// Devices acted on.
    pub device_ids: BTreeSet<DeviceId>,
    /// Redemption ids in the batch.
    pub redemption_ids: BTreeSet<RedemptionId>,
}

impl BatchNeeds {
    /// What `batch` needs. Unreadable tokens need nothing: they are rejected anyway.
    pub fn of(batch: &[Redemption]) -> Self {
        let mut needs = BatchNeeds::default();
        for r in batch {
            match parse_token(&r.token) {
                Ok(ParsedToken::Signed(s)) => {
                    needs.token_ids.insert(s.claims().token_id);
                }
                Ok(ParsedToken::Code(c)) => {
                    needs.codes.insert(c);
                }
                Err(_) => {}
            }
            needs.device_ids.insert(r.device_id);
            needs.redemption_ids.insert(r.id.clone());
        }
        needs
    }
}

/// What the server stores after a batch: every result (all ids become `seen`), and the devices that changed, with
/// their final state and latest applied scan.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct SyncOutcome {
    /// One result per redemption, in the batch's order.
    pub results: Vec<RedemptionResult>,
    /// Devices to store, by id.
    pub devices: BTreeMap<DeviceId, StoredDevice>,
}

impl SyncOutcome {
    /// The number of results with this status.
    pub fn count(&self, status: SyncStatus) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }
}

/// Decides a batch of redemptions from one client, in arrival order, at the server's `now`, given the client's
/// previous sync (the mark of the device or operator that carries the batch). Per redemption: `duplicate` if its id
/// was seen (before or earlier in the batch); the clock rules of the client; the token (signature or code, deleted);
/// the clock rules of the token (its creation, its organisation's `max_offline`); the token's organisation, expiry
/// at the scan time and fleet; then latest scan wins.
pub fn decide_batch(
    state: &ServerState,
    now: Timestamp,
    previous_sync: Option<Timestamp>,
    batch: &[Redemption],
) -> SyncOutcome {
    let by_code: HashMap<TokenCode, ActionTokenId> = state
        .tokens
        .values()
        .map(|t| (t.token.code(), t.token.id()))
        .collect();
    let mut seen: BTreeSet<&RedemptionId> = BTreeSet::new();
    let mut outcome = SyncOutcome::default();
    for r in batch {
        let result = |status, reason, token_id| RedemptionResult {
            id: r.id.clone(),
            status,
            reason,
            token_id,
        };
        if state.seen.contains(&r.id) || !seen.insert(&r.id) {
            outcome
                .results
                .push(result(SyncStatus::Duplicate, None, None));
            continue;
        }
        let token_id = match parse_token(&r.token) {
            Ok(ParsedToken::Signed(s)) => Some(s.claims().token_id),
            Ok(ParsedToken::Code(c)) => by_code.get(&c).copied(),
            Err(_) => None,
        };
        let decided = check_scan_time(r.scanned_at, now, previous_sync)
            .and_then(|()| server_token(state, &by_code, &r.token))
            .and_then(|(token, created_at)| {
                check_token_time(
                    r.scanned_at,
                    now,
                    created_at,
                    state.max_offline_ms(token.org),
                )?;
                let current = outcome
                    .devices
                    .get(&r.device_id)
                    .or_else(|| state.devices.get(&r.device_id));
                check_redemption(
                    &token,
                    current.map(|d| &d.device),
                    &state.fleets,
                    r.scanned_at,
                )?;
                Ok((token, current.cloned()))
            });
        match decided {
            Err(e) => outcome.results.push(result(
                SyncStatus::Rejected,
                Some(RejectReason::from_error(&e)),
                token_id,
            )),
            Ok((token, Some(stored))) => {
                let mark = ScanMark {
                    scanned_at: r.scanned_at,
                    id: r.id.clone(),
                };
                if stored.last_scan.as_ref().is_some_and(|last| *last > mark) {
                    outcome
                        .results
                        .push(result(SyncStatus::Superseded, None, token_id));
                } else {
                    let device = stored.device.apply(token.action);
                    outcome.devices.insert(
                        r.device_id,
                        StoredDevice {
                            device,
                            last_scan: Some(mark),
                        },
                    );
                    outcome
                        .results
                        .push(result(SyncStatus::Applied, None, token_id));
                }
            }
            Ok((_, None)) => {
                outcome.results.push(result(
                    SyncStatus::Rejected,
                    Some(RejectReason::UnknownDevice),
                    token_id,
                ));
            }
        }
    }
    outcome
}

/// The server's view of a token text: the signature checked with the server's keys, then the stored token (the
/// source of truth for action, organisation and expiry).
fn server_token(
    state: &ServerState,
    by_code: &HashMap<TokenCode, ActionTokenId>,
    text: &str,
) -> Result<(VerifiedToken, Timestamp)> {
    let (id, format) = match parse_token(text)? {
        ParsedToken::Signed(s) => (s.verify(&state.keys)?.token_id, TokenFormat::Signed),
        ParsedToken::Code(c) => (
            *by_code
                .get(&c)
                .ok_or_else(|| Error::new(ErrorKind::UnknownToken, "no token has this code"))?,
            TokenFormat::Code,
        ),
    };
    let stored = state
        .tokens
        .get(&id)
        .ok_or_else(|| Error::new(ErrorKind::UnknownToken, "no such token"))?;
    if stored.deleted {
        return Err(deleted());
    }
    let t = &stored.token;
    let token = VerifiedToken {
        token_id: t.id(),
        org: t.org(),
        action: t.action(),
        expires_at: t.expires_at(),
        format,
    };
    Ok((token, stored.created_at))
}
