//! Shared test data: the fixed key, organisation, tokens and bundle of docs/FORMATS.md.

use fieldtoken_core::*;

/// RFC 8032 section 7.1 test 1 secret key, so any Ed25519 implementation can reproduce the vectors.
pub const SEED: [u8; 32] =
    hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
/// Its public key.
pub const PUBLIC: [u8; 32] =
    hex32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
/// The directory key of the vectors.
pub const DIRECTORY_KEY: [u8; 32] = [0x11; 32];
/// A device's key in the enrolment vectors: the RFC 8032 §7.1 TEST 2 secret key.
pub const DEVICE_SEED: [u8; 32] =
    hex32("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
/// 2026-01-01T00:00:00Z.
pub const NOW: i64 = 1_767_225_600_000;
/// 2026-12-31T23:59:59Z, in seconds.
pub const EXPIRY_SECONDS: u32 = 1_798_761_599;

pub const fn hex32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("not lower-case hex"),
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn org() -> OrgId {
    OrgId::new(7).unwrap()
}
pub fn other_org() -> OrgId {
    OrgId::new(8).unwrap()
}
pub fn fleet() -> FleetId {
    FleetId::new(3).unwrap()
}
pub fn now() -> Timestamp {
    Timestamp::from_millis(NOW)
}
pub fn key() -> OrgSigningKey {
    OrgSigningKey::from_seed(KeyId::new(1).unwrap(), org(), SEED)
}
pub fn other_org_key() -> OrgSigningKey {
    OrgSigningKey::from_seed(KeyId::new(2).unwrap(), other_org(), [0x22; 32])
}
pub fn base() -> LinkBase {
    LinkBase::https("mdm.example.com").unwrap()
}
pub fn code() -> TokenCode {
    TokenCode::from_bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
}

pub fn token_with(
    id: u32,
    org: OrgId,
    action: Action,
    expiry_seconds: u32,
    code: TokenCode,
) -> ActionToken {
    ActionToken::new(
        ActionTokenId::new(id).unwrap(),
        org,
        TokenName::new(&format!("token {id}")).unwrap(),
        action,
        Expiry::from_seconds(expiry_seconds),
        code,
    )
}

/// The vectors' token: 1001, put_in_fleet(3), organisation 7, expiring at the end of 2026.
pub fn token() -> ActionToken {
    token_with(
        1001,
        org(),
        Action::PutInFleet(fleet()),
        EXPIRY_SECONDS,
        code(),
    )
}

pub fn device(id: u32, org: OrgId) -> Device {
    Device {
        id: DeviceId::new(id).unwrap(),
        org,
        state: DeviceState::InStock,
        certificate: Some(Certificate::from_bytes([id as u8; 32])),
    }
}

pub fn bundle() -> OfflineBundle {
    let tokens = [token()];
    OfflineBundle {
        org: org(),
        keys: [key().public_key(), other_org_key().public_key()]
            .into_iter()
            .collect(),
        directory: CodeDirectory::of_tokens(DirectoryKey::from_bytes(DIRECTORY_KEY), &tokens),
        deleted: Default::default(),
        fleets: [(
            fleet(),
            Fleet {
                id: fleet(),
                org: org(),
                name: "Warehouse".into(),
            },
        )]
        .into_iter()
        .collect(),
        devices: [device(50, org()), device(60, other_org())]
            .into_iter()
            .map(|d| (d.id, d))
            .collect(),
        retired_keys: Default::default(),
    }
}

/// The fixture bundle, built once (deriving public keys is slow in debug builds).
pub fn bundle_ref() -> &'static OfflineBundle {
    static BUNDLE: std::sync::OnceLock<OfflineBundle> = std::sync::OnceLock::new();
    BUNDLE.get_or_init(bundle)
}
