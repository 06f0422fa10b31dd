//! The server's decision on queued redemptions: exactly once, clock rules, token checks, latest scan wins.

use fieldtoken_core::sync::*;
use fieldtoken_core::*;

use crate::fixtures::*;

const MINUTE: i64 = 60_000;

fn code_of(n: u8) -> TokenCode {
    TokenCode::from_bytes([n; 10])
}

fn state() -> ServerState {
    let live = |t: ActionToken| {
        (
            t.id(),
            StoredToken {
                token: t,
                deleted: false,
                created_at: created(),
            },
        )
    };
    let soon = ((NOW - 30 * MINUTE) / 1000) as u32;
    let mut tokens: std::collections::BTreeMap<_, _> = [
        live(token()),
        live(token_with(
            1003,
            org(),
            Action::PutInStock,
            soon,
            code_of(3),
        )),
        live(token_with(
            1004,
            other_org(),
            Action::PutInStock,
            EXPIRY_SECONDS,
            code_of(4),
        )),
        live(token_with(
            1005,
            org(),
            Action::PutInFleet(FleetId::new(99).unwrap()),
            EXPIRY_SECONDS,
            code_of(5),
        )),
        live(token_with(
            1006,
            org(),
            Action::PutInRepair,
            EXPIRY_SECONDS,
            code_of(6),
        )),
        live(token_with(
            1007,
            org(),
            Action::ResetCertificate,
            EXPIRY_SECONDS,
            code_of(7),
        )),
    ]
    .into_iter()
    .collect();
    let deleted = token_with(1002, org(), Action::PutInRepair, EXPIRY_SECONDS, code_of(2));
    tokens.insert(
        deleted.id(),
        StoredToken {
            token: deleted,
            deleted: true,
            created_at: created(),
        },
    );
    let b = bundle();
    ServerState {
        keys: b.keys,
        tokens,
        devices: b
            .devices
            .into_values()
            .map(|d| {
                (
                    d.id,
                    StoredDevice {
                        device: d,
                        last_scan: None,
                    },
                )
            })
            .collect(),
        fleets: b.fleets,
        seen: [RedemptionId::new("old-1").unwrap()].into_iter().collect(),
        max_offline_ms: Default::default(),
    }
}

/// When the server created every token of [`state`]: ten days ago.
fn created() -> Timestamp {
    now().plus_millis(-10 * 24 * 60 * MINUTE)
}

fn redemption(id: &str, token: &str, device: u32, minutes_from_now: i64) -> Redemption {
    Redemption {
        id: RedemptionId::new(id).unwrap(),
        token: token.to_string(),
        device_id: DeviceId::new(device).unwrap(),
        scanned_at: now().plus_millis(minutes_from_now * MINUTE),
    }
}

fn previous_sync() -> Option<Timestamp> {
    Some(now().plus_millis(-60 * MINUTE))
}

/// Decides one redemption alone and compares `status` or `status:reason`.
fn check(r: Redemption, expected: &str) {
    let outcome = decide_batch(&state(), now(), previous_sync(), std::slice::from_ref(&r));
    let result = &outcome.results[0];
    let got = match result.reason {
        Some(reason) => format!("{}:{}", result.status.as_str(), reason.as_str()),
        None => result.status.as_str().to_string(),
    };
    assert_eq!(got, expected, "{r:?}");
    assert_eq!(
        outcome.devices.is_empty(),
        result.status != SyncStatus::Applied
    );
}

#[test]
fn each_rule_decides_one_redemption() {
    let signed = key().sign_token(&token()).unwrap();
    let mut forged = signed.to_bytes();
    forged[40] ^= 1;
    let forged = format!("FT:{}", base41::encode(&forged));
    let unknown_signed = key()
        .sign_token(&token_with(
            4242,
            org(),
            Action::PutInStock,
            EXPIRY_SECONDS,
            code(),
        ))
        .unwrap();
    let stranger = OrgSigningKey::from_seed(KeyId::new(77).unwrap(), org(), [0x77; 32])
        .sign_token(&token())
        .unwrap();
    let c = |n: u8| code_of(n).to_string();
    let cases = [
        (redemption("a", &code().to_string(), 50, -10), "applied"),
        (
            redemption("a", &signed.to_deep_link(&base()), 50, -10),
            "applied",
        ),
        // DESIGN: "A redemption is applied once, whatever the retries (its client-made id is the idempotency key)."
        (
            redemption("old-1", &code().to_string(), 50, -10),
            "duplicate",
        ),
        // DESIGN: "A client cannot date a scan before its own previous sync, nor more than 5 minutes into the server's future."
        (
            redemption("a", &code().to_string(), 50, -61),
            "rejected:clock",
        ),
        (redemption("a", &code().to_string(), 50, -60), "applied"),
        (redemption("a", &code().to_string(), 50, 5), "applied"),
        (
            Redemption {
                scanned_at: now().plus_millis(5 * MINUTE + 1),
                ..redemption("a", &code().to_string(), 50, 0)
            },
            "rejected:clock",
        ),
        // seed 000: "after which it will no longer function" - judged at the scan time, so an offline scan before the
        // expiry still counts when it syncs later.
        (redemption("a", &c(3), 50, -10), "rejected:expired"),
        (redemption("a", &c(3), 50, -40), "applied"),
        (redemption("a", &c(2), 50, -10), "rejected:deleted"),
        // seed 001: "The target device must be within the same MDM organization as the Action Token you're using."
        (redemption("a", &c(4), 50, -10), "rejected:other_org"),
        (
            redemption("a", &code().to_string(), 60, -10),
            "rejected:other_org",
        ),
        (
            redemption("a", &code().to_string(), 70, -10),
            "rejected:unknown_device",
        ),
        (redemption("a", &c(5), 50, -10), "rejected:unknown_fleet"),
        (redemption("a", &c(9), 50, -10), "rejected:unknown_token"),
        (redemption("a", "hello", 50, -10), "rejected:unknown_token"),
        (
            redemption("a", &unknown_signed.to_text(), 50, -10),
            "rejected:unknown_token",
        ),
        (redemption("a", &forged, 50, -10), "rejected:bad_signature"),
        (
            redemption("a", &stranger.to_text(), 50, -10),
            "rejected:bad_signature",
        ),
    ];
    for (r, expected) in cases {
        check(r, expected);
    }
}

/// DESIGN: "A scan may not be dated ... before the token existed, further back than the organisation's
/// `max_offline`": whoever carries it, so with no previous sync at all. Issue 18: a token that expired moments
/// ago, scanned "on 2020-01-01" (before it existed), used to be applied.
#[test]
fn a_scan_before_its_token_or_beyond_max_offline_is_clock_whoever_carries_it() {
    let expired = code_of(3).to_string(); // expired 30 minutes ago, created ten days ago
    let in_2020 = Timestamp::from_millis(1_577_836_800_000);
    let hour = 60 * MINUTE;
    let check_alone = |state: &ServerState, r: Redemption, expected: Option<RejectReason>| {
        let outcome = decide_batch(state, now(), None, std::slice::from_ref(&r));
        assert_eq!(outcome.results[0].reason, expected, "{r:?}");
    };
    let s = state();
    check_alone(
        &s,
        Redemption {
            scanned_at: in_2020,
            ..redemption("a", &expired, 50, 0)
        },
        Some(RejectReason::Clock),
    );
    // A millisecond before the token existed; the moment it did (with a max_offline that reaches that far).
    let mut month = state();
    month.max_offline_ms.insert(org(), 30 * 24 * hour);
    check_alone(
        &month,
        Redemption {
            scanned_at: created().plus_millis(-1),
            ..redemption("a", &code().to_string(), 50, 0)
        },
        Some(RejectReason::Clock),
    );
    check_alone(
        &month,
        Redemption {
            scanned_at: created(),
            ..redemption("a", &code().to_string(), 50, 0)
        },
        None,
    );
    // The default max_offline is 72 hours ...
    check_alone(
        &s,
        redemption("a", &code().to_string(), 50, -72 * 60 - 1),
        Some(RejectReason::Clock),
    );
    check_alone(&s, redemption("a", &code().to_string(), 50, -72 * 60), None);
    // ... and the token's organisation may set it.
    let mut longer = state();
    longer.max_offline_ms.insert(org(), 100 * hour);
    check_alone(
        &longer,
        redemption("a", &code().to_string(), 50, -99 * 60),
        None,
    );
    let mut shorter = state();
    shorter.max_offline_ms.insert(org(), hour);
    check_alone(
        &shorter,
        redemption("a", &code().to_string(), 50, -61),
        Some(RejectReason::Clock),
    );
    // Another organisation's setting does not apply to this token.
    let mut other = state();
    other.max_offline_ms.insert(other_org(), hour);
    check_alone(&other, redemption("a", &code().to_string(), 50, -61), None);
    assert_eq!(
        check_token_time(now(), now(), now(), DEFAULT_MAX_OFFLINE_MS),
        Ok(())
    );
}

/// Stores an outcome the way the MDM does: every id becomes seen, changed devices are written.
fn store(state: &mut ServerState, batch: &[Redemption], outcome: &SyncOutcome) {
    state.seen.extend(batch.iter().map(|r| r.id.clone()));
    state.devices.extend(outcome.devices.clone());
}

fn statuses(outcome: &SyncOutcome) -> Vec<&'static str> {
    outcome.results.iter().map(|r| r.status.as_str()).collect()
}

#[test]
fn latest_scan_wins() {
    // DESIGN: "Several operators acting on one device offline: the latest scan wins (scan time, then id); an older one
    // that arrives later is recorded as superseded, not applied."
    let repair = code_of(6).to_string();
    let stock = code_of(3).to_string(); // expired 30 minutes ago: scans from before that still apply
    let fleet3 = code().to_string();
    // (scans as (id, token, minutes from now), statuses, the device's final state)
    type Case<'a> = (&'a [(&'a str, &'a str, i64)], &'a [&'a str], DeviceState);
    let cases: [Case; 5] = [
        (
            &[("b", &repair, -35), ("a", &stock, -40)],
            &["applied", "superseded"],
            DeviceState::InRepair,
        ),
        (
            &[("a", &stock, -40), ("b", &repair, -35)],
            &["applied", "applied"],
            DeviceState::InRepair,
        ),
        // Same scan time: the greater id wins.
        (
            &[("b", &repair, -35), ("a", &fleet3, -35)],
            &["applied", "superseded"],
            DeviceState::InRepair,
        ),
        (
            &[("a", &repair, -35), ("b", &fleet3, -35)],
            &["applied", "applied"],
            DeviceState::InFleet(fleet()),
        ),
        // A rejected scan does not take part in the order.
        (
            &[("b", &code_of(2).to_string(), -10), ("a", &repair, -35)],
            &["rejected", "applied"],
            DeviceState::InRepair,
        ),
    ];
    for (scans, expected, final_state) in cases {
        let batch: Vec<Redemption> = scans
            .iter()
            .map(|&(id, t, m)| redemption(id, t, 50, m))
            .collect();
        let outcome = decide_batch(&state(), now(), previous_sync(), &batch);
        assert_eq!(statuses(&outcome), expected, "{scans:?}");
        assert_eq!(
            outcome.devices[&DeviceId::new(50).unwrap()].device.state,
            final_state,
            "{scans:?}"
        );
    }
}

#[test]
fn older_scan_arriving_in_a_later_sync_is_superseded() {
    let mut s = state();
    let first = [redemption("op2-1", &code_of(6).to_string(), 50, -5)];
    let outcome = decide_batch(&s, now(), previous_sync(), &first);
    store(&mut s, &first, &outcome);
    let late = [redemption("op1-1", &code().to_string(), 50, -20)];
    let outcome = decide_batch(&s, now(), previous_sync(), &late);
    assert_eq!(statuses(&outcome), ["superseded"]);
    assert_eq!(
        s.devices[&DeviceId::new(50).unwrap()].device.state,
        DeviceState::InRepair
    );
}

#[test]
fn retries_are_exactly_once() {
    let mut s = state();
    let batch: Vec<Redemption> = vec![
        redemption("r1", &code().to_string(), 50, -10),
        redemption("r1", &code_of(6).to_string(), 50, -9), // the same id again in the batch
        redemption("r2", &code_of(7).to_string(), 50, -8),
        redemption("r3", "garbage", 50, -7),
    ];
    let outcome = decide_batch(&s, now(), previous_sync(), &batch);
    assert_eq!(
        statuses(&outcome),
        ["applied", "duplicate", "applied", "rejected"]
    );
    assert_eq!(outcome.count(SyncStatus::Applied), 2);
    let device = &outcome.devices[&DeviceId::new(50).unwrap()].device;
    assert_eq!(
        (device.state, device.certificate),
        (DeviceState::InFleet(fleet()), None)
    );
    store(&mut s, &batch, &outcome);
    let before = s.clone();
    let again = decide_batch(&s, now(), previous_sync(), &batch);
    assert_eq!(statuses(&again), ["duplicate"; 4]);
    assert!(again.devices.is_empty());
    assert_eq!(s, before);
}

#[test]
fn batch_needs_name_what_to_load() {
    let signed = key().sign_token(&token()).unwrap().to_text();
    let batch = [
        redemption("a", &signed, 50, -1),
        redemption("b", &code_of(6).to_string(), 60, -1),
        redemption("c", "x", 50, -1),
    ];
    let needs = BatchNeeds::of(&batch);
    assert_eq!(
        needs.token_ids.iter().map(|i| i.get()).collect::<Vec<_>>(),
        [1001]
    );
    assert_eq!(
        needs.codes.iter().copied().collect::<Vec<_>>(),
        [code_of(6)]
    );
    assert_eq!(needs.device_ids.len(), 2);
    assert_eq!(needs.redemption_ids.len(), 3);
}

#[test]
fn clock_offset_and_ids() {
    let offset = ClockOffset::from_sync(
        Timestamp::from_millis(10_000),
        Timestamp::from_millis(7_000),
    );
    assert_eq!(
        offset.server_time(Timestamp::from_millis(8_000)),
        Timestamp::from_millis(11_000)
    );
    for (id, ok) in [
        ("a", true),
        ("550e8400-e29b-41d4-a716-446655440000", true),
        ("", false),
        ("a b", false),
        (&"x".repeat(65) as &str, false),
    ] {
        assert_eq!(RedemptionId::new(id).is_ok(), ok, "{id}");
    }
    assert_eq!(check_scan_time(now(), now(), Some(now())), Ok(()));
}

/// DESIGN: "A client cannot date a scan before its own previous sync." The mark is the newest scan the
/// client has had accepted, so one offline queue can arrive in several batches, oldest first.
#[test]
fn one_queue_synced_in_batches_is_not_read_as_backdated() {
    let text = key().sign_token(&token()).unwrap().to_text();
    // Scanned offline over the last 50 minutes, after the previous sync an hour ago.
    let queue: Vec<Redemption> = (0..10)
        .map(|i| redemption(&format!("q{i}"), &text, 50, -50 + 5 * i64::from(i)))
        .collect();
    let mut state = state();
    let mut mark = previous_sync();
    for batch in queue.chunks(3) {
        let outcome = decide_batch(&state, now(), mark, batch);
        assert!(
            statuses(&outcome).iter().all(|s| *s == "applied"),
            "{:?}",
            statuses(&outcome)
        );
        mark = sync_mark(mark, now(), batch, &outcome.results);
        store(&mut state, batch, &outcome);
    }
    assert_eq!(mark, Some(queue[9].scanned_at), "the newest accepted scan");

    // A phone whose clock jumped back dates its next scan before the mark: refused.
    let backwards = redemption("late", &text, 50, -45);
    let outcome = decide_batch(&state, now(), mark, std::slice::from_ref(&backwards));
    assert_eq!(outcome.results[0].reason, Some(RejectReason::Clock));
    // ... and that refusal does not move the mark, nor does a scan dated in the future move it past now.
    assert_eq!(
        sync_mark(
            mark,
            now(),
            std::slice::from_ref(&backwards),
            &outcome.results
        ),
        mark
    );
    let future = redemption("future", &text, 50, 3);
    let outcome = decide_batch(&state, now(), mark, std::slice::from_ref(&future));
    assert_eq!(
        sync_mark(mark, now(), std::slice::from_ref(&future), &outcome.results),
        Some(now())
    );
}

/// Issue 18: "The phone notices its own clock going back while offline (last server time plus a monotonic clock)
/// and says so instead of queueing wrong times."
#[test]
fn a_phone_notices_its_clock_going_back() {
    let at = |minutes: i64| now().plus_millis(minutes * MINUTE);
    // The phone's wall clock is 2 minutes slow; it synced at `now`, monotonic clock at 5000 ms.
    let synced = PhoneClock::from_sync(now(), at(-2), 5_000);
    // Ten minutes later by both clocks: the scan is dated by the server's time.
    let (time, clock) = synced.read(at(8), 5_000 + 10 * MINUTE).unwrap();
    assert_eq!(time, at(10));
    assert_eq!(clock.floor(), at(10));
    // The wall clock set back an hour (same page load): the monotonic clock says an hour and ten minutes passed.
    let back = synced.read(at(-62 + 70), 5_000 + 70 * MINUTE).unwrap_err();
    assert_eq!(back.kind(), ErrorKind::Clock);
    assert!(
        back.to_string().contains("went back about 60 minutes"),
        "{back}"
    );
    // After a reload only the floor is known: a reading behind the last one is refused, a small slip is not.
    let reloaded = PhoneClock::restored(clock.offset(), clock.floor());
    assert!(reloaded.read(at(8 - 30), 0).is_err());
    assert_eq!(reloaded.read(at(8 - 1), 0).map(|r| r.0), Ok(at(9)));
    let (later, _) = reloaded.read(at(100), 0).unwrap();
    assert_eq!(later, at(102));
    assert_eq!(
        reloaded.read(at(8 + 1), 0).unwrap().1.floor(),
        at(11),
        "the floor follows the readings"
    );
}
