//! Compact offline bundles as a phone receives them: any bytes give a bundle or a typed error, a bundle encodes
//! back to the same bytes, and the verifier's one-pass reader agrees with the full reader.
#![no_main]

use fieldtoken_core::{CompactBundle, compact};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match CompactBundle::decode(data) {
        Ok(bundle) => {
            assert_eq!(bundle.encode(), data);
            if !bundle.is_changes() {
                assert_eq!(compact::offline_bundle(data), Ok(bundle.to_offline_bundle()));
            }
        }
        Err(e) => {
            assert!(!e.code().is_empty() && !e.message().is_empty());
            assert!(compact::offline_bundle(data).is_err());
        }
    }
});
