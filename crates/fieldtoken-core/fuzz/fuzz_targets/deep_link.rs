//! Anything a camera may hand the PWA: `parse_token` and the offline verdict never panic and always type their
//! errors; a verified token was really signed by the bundle's key.
#![no_main]

use std::sync::OnceLock;

use fieldtoken_core::*;
use libfuzzer_sys::fuzz_target;

fn bundle() -> &'static (OfflineBundle, String) {
    static BUNDLE: OnceLock<(OfflineBundle, String)> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let org = OrgId::new(7).unwrap();
        let key = OrgSigningKey::from_seed(KeyId::new(1).unwrap(), org, [0x9d; 32]);
        let token = ActionToken::new(
            ActionTokenId::new(1001).unwrap(),
            org,
            TokenName::new("fuzz").unwrap(),
            Action::PutInFleet(FleetId::new(3).unwrap()),
            Expiry::from_seconds(1_798_761_599),
            TokenCode::from_bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        );
        let link = key
            .sign_token(&token)
            .unwrap()
            .to_deep_link(&LinkBase::https("mdm.example.com").unwrap());
        let bundle = OfflineBundle {
            org,
            keys: [key.public_key()].into_iter().collect(),
            directory: CodeDirectory::of_tokens(DirectoryKey::from_bytes([0x11; 32]), [&token]),
            deleted: Default::default(),
            fleets: Default::default(),
            devices: Default::default(),
        };
        (bundle, link)
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (bundle, _) = bundle();
    let now = Timestamp::from_millis(1_767_225_600_000);
    let _ = parse_token(&text);
    if let Ok(verified) = verify_token(&text, bundle, now) {
        assert_eq!(verified.token_id.get(), 1001);
    }
    let _ = link::split_token_link(&text);
    let _ = LinkBase::parse(&text);
});
