//! The new format: signed tokens as text and deep links, every bad input typed, and the QR budget.

use fieldtoken_core::signed::{MAX_TOKEN_LEN, TEXT_PREFIX};
use fieldtoken_core::*;

use crate::fixtures::*;

fn signed() -> SignedToken {
    key().sign_token(&token()).unwrap()
}

fn text_of(bytes: &[u8]) -> String {
    format!("{TEXT_PREFIX}{}", base41::encode(bytes))
}

/// Verifies `text` offline against the fixture bundle at `at` and compares the token id or the error code.
fn check(text: &str, at: Timestamp, expected: Result<u32, &str>) {
    let got = verify_token(text, &bundle(), at)
        .map(|t| t.token_id.get())
        .map_err(|e| e.code());
    assert_eq!(got, expected, "{text}");
}

#[test]
fn reads_and_verifies_every_form() {
    // seed 001: "your operators will be able to activate this action token by pressing the "QR Code Scanner" button"
    let s = signed();
    let link = s.to_deep_link(&base());
    for text in [
        s.to_text(),
        s.to_text().to_lowercase(),
        link.clone(),
        link.to_lowercase(),
        format!("  {link}\n"),
        s.to_deep_link(&LinkBase::parse("http://127.0.0.1:8080").unwrap()),
    ] {
        check(&text, now(), Ok(1001));
    }
    let verified = verify_token(&link, &bundle(), now()).unwrap();
    assert_eq!(verified.action, Action::PutInFleet(fleet()));
    assert_eq!(verified.format, TokenFormat::Signed);
    assert_eq!(verified.expires_at, Expiry::from_seconds(EXPIRY_SECONDS));
}

#[test]
fn bad_inputs_are_typed() {
    let s = signed();
    let text = s.to_text();
    let payload = s.payload();
    let mut bytes = s.to_bytes();
    let expired_at = Timestamp::from_millis(i64::from(EXPIRY_SECONDS) * 1000);
    let mut with_version = |v: u8| {
        bytes[0] = v;
        text_of(&bytes)
    };
    let (v0, v2, v255) = (with_version(0), with_version(2), with_version(255));
    // A key id the bundle does not know, re-signed: unknown_key. Key 2 belongs to organisation 8: bad_signature.
    let mut unknown_key = s.to_bytes();
    unknown_key[1..5].copy_from_slice(&99u32.to_be_bytes());
    let mut foreign_key = s.to_bytes();
    foreign_key[1..5].copy_from_slice(&2u32.to_be_bytes());
    let other_org_token = other_org_key()
        .sign_token(&token_with(
            1001,
            other_org(),
            Action::PutInStock,
            EXPIRY_SECONDS,
            code(),
        ))
        .unwrap();
    let mut deleted_bundle = bundle();
    deleted_bundle
        .deleted
        .insert(ActionTokenId::new(1001).unwrap());
    let cases: Vec<(String, Timestamp, Result<u32, &str>)> = vec![
        // seed 000: "Select an expiration date for the token, after which it will no longer function"
        (text.clone(), expired_at.plus_millis(-1), Ok(1001)),
        (text.clone(), expired_at, Err("expired")),
        // seed 000: "Each Action Token has a unique code and is only compatible with devices in your organization."
        (other_org_token.to_text(), now(), Err("other_org")),
        (text_of(&unknown_key), now(), Err("unknown_key")),
        (text_of(&foreign_key), now(), Err("bad_signature")),
        // DESIGN: "A newer format version read by an older client fails with "update required", never a misread."
        (v2.clone(), now(), Err("unsupported_version")),
        (v255, now(), Err("unsupported_version")),
        (
            format!("{}!!!", &v2[..6]),
            now(),
            Err("unsupported_version"),
        ),
        (text_of(&[2]), now(), Err("unsupported_version")),
        (v0, now(), Err("bad_format")),
        // Truncated and oversized.
        (text[..text.len() - 1].to_string(), now(), Err("truncated")),
        (text[..text.len() - 2].to_string(), now(), Err("truncated")),
        (text[..text.len() - 3].to_string(), now(), Err("truncated")),
        (text[..6].to_string(), now(), Err("truncated")),
        (format!("{text}0"), now(), Err("trailing_data")),
        (format!("{text}000"), now(), Err("trailing_data")),
        (TEXT_PREFIX.to_string(), now(), Err("empty")),
        (format!("{TEXT_PREFIX}A"), now(), Err("truncated")),
        // Symbols outside Base41, and groups out of range.
        (
            format!("{TEXT_PREFIX}{}/{}", &payload[..10], &payload[11..]),
            now(),
            Err("bad_symbol"),
        ),
        (
            format!("{TEXT_PREFIX}{}:::{}", &payload[..9], &payload[12..]),
            now(),
            Err("bad_format"),
        ),
        // Links: wrong path, bad host.
        (
            format!("https://mdm.example.com/x/{payload}"),
            now(),
            Err("bad_link"),
        ),
        (
            format!("https://{}.com/t/{payload}", "a".repeat(40)),
            now(),
            Err("bad_host"),
        ),
        (
            format!("https://mdm.example.com/t/{payload}?x=1"),
            now(),
            Err("bad_link"),
        ),
    ];
    for (text, at, expected) in cases {
        check(&text, at, expected);
    }
    assert_eq!(
        verify_token(&text, &deleted_bundle, now())
            .unwrap_err()
            .code(),
        "deleted"
    );
    // A retired key: refused as the MDM refuses it at sync (bad_signature), even where the ring still holds the key,
    // and said in words that syncing will not help; the retired key's absence alone would read as unknown_key.
    let mut retired_bundle = bundle();
    retired_bundle.retired_keys.insert(KeyId::new(1).unwrap());
    let retired = verify_token(&text, &retired_bundle, now()).unwrap_err();
    assert_eq!(retired.code(), "bad_signature");
    assert!(
        retired.message().contains("retired"),
        "{}",
        retired.message()
    );
    retired_bundle.retired_keys.clear();
    assert_eq!(
        verify_token(&text, &retired_bundle, now())
            .unwrap()
            .token_id
            .get(),
        1001
    );
    // The error names the position of a bad symbol (1-based, in the payload).
    let err = SignedToken::from_text(&format!(
        "{TEXT_PREFIX}{}/{}",
        &payload[..10],
        &payload[11..]
    ))
    .unwrap_err();
    assert_eq!(err.position(), Some(11));
    assert!(
        SignedToken::from_text(&v2)
            .unwrap_err()
            .message()
            .starts_with("update required")
    );
}

#[test]
fn every_flipped_bit_is_refused() {
    // Any change to a signed token is refused, never read as another valid token.
    for s in [
        signed(),
        key()
            .sign_token(&token_with(9, org(), Action::ResetCertificate, 1, code()))
            .unwrap(),
    ] {
        let bytes = s.to_bytes();
        let claims_len = bytes.len() - 64;
        // Every bit of the claims, and one bit of every 4th signature byte (a verification costs ~50 ms in debug).
        let bits = (0..claims_len * 8).chain(
            (claims_len..bytes.len())
                .step_by(4)
                .map(|byte| byte * 8 + byte % 8),
        );
        for bit in bits {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let err =
                verify_token(&text_of(&flipped), &bundle(), Timestamp::from_millis(0)).unwrap_err();
            assert!(
                [
                    "bad_signature",
                    "unknown_key",
                    "unsupported_version",
                    "bad_format",
                    "truncated",
                    "trailing_data"
                ]
                .contains(&err.code()),
                "bit {bit}: {err:?}"
            );
        }
    }
}

#[test]
fn longest_deep_link_fits_version_7_m() {
    // DESIGN: "Budget: the QR symbol is at most version 7 at ECC level M".
    let max = u32::MAX;
    let claims = Claims {
        key_id: KeyId::new(max).unwrap(),
        org: OrgId::new(max).unwrap(),
        token_id: ActionTokenId::new(max).unwrap(),
        action: Action::PutInFleet(FleetId::new(max).unwrap()),
        expires_at: Expiry::from_seconds(max),
    };
    let key = OrgSigningKey::from_seed(claims.key_id, claims.org, [0xAB; 32]);
    let signed = key.sign(claims).unwrap();
    assert_eq!(signed.to_bytes().len(), MAX_TOKEN_LEN);
    let host = format!("{}.example.com:65535", "m".repeat(link::MAX_HOST_LEN - 18));
    assert_eq!(host.len(), link::MAX_HOST_LEN);
    let link = signed.to_deep_link(&LinkBase::https(&host).unwrap());
    assert_eq!(link.len(), 8 + link::MAX_HOST_LEN + 3 + 129);
    let qr = QrMatrix::encode(&link, Ecc::M).unwrap();
    assert!(qr.version() <= 7, "version {}", qr.version());
    let text = QrMatrix::encode(&signed.to_text(), Ecc::M).unwrap();
    println!(
        "longest deep link: {} chars, version {}-M; text form: {} chars, version {}-M",
        link.len(),
        qr.version(),
        signed.to_text().len(),
        text.version()
    );
    assert!(SignedToken::from_deep_link(&link).is_ok_and(|t| t == signed));
}

#[test]
fn old_format_qr_is_version_2_m() {
    // The code-only QR text: 21 characters; check symbols ~ and = are not QR alphanumeric but it stays version 2.
    for check_symbol in ["0", "*", "~", "$", "=", "U"] {
        let text = format!("0000-0000-0000-0000-{check_symbol}");
        assert_eq!(
            QrMatrix::encode(&text, Ecc::M).unwrap().version(),
            2,
            "{text}"
        );
    }
}

#[test]
fn signing_refuses_claims_of_another_key() {
    let mut claims = Claims::for_token(&token(), KeyId::new(1).unwrap());
    claims.org = other_org();
    assert_eq!(key().sign(claims).unwrap_err().code(), "other_org");
}

#[test]
fn qr_svg_draws_every_dark_module() {
    let qr = QrMatrix::encode("FT:HELLO", Ecc::M).unwrap();
    let svg = qr.to_svg(4, 4);
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let dark_in_svg: usize = path
        .split('h')
        .skip(1)
        .step_by(2)
        .map(|s| s.split('v').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(dark_in_svg, qr.modules().iter().filter(|&&d| d).count());
}
