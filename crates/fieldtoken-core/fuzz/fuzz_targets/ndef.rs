//! NFC cards: raw NDEF messages and whole tag memories. Decoding types every error; decoded records re-encode and
//! decode to themselves; the Web NFC view converts back to the same records where it is lossless.
#![no_main]

use fieldtoken_core::ndef::{self, WebNfcRecord};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = ndef::decode_message(data) {
        let again = ndef::encode_message(&records).unwrap();
        assert_eq!(ndef::decode_message(&again), Ok(records.clone()));
        let web: Vec<WebNfcRecord> = records
            .iter()
            .filter_map(|r| WebNfcRecord::from_raw(r).ok())
            .collect();
        let _ = fieldtoken_core::token_from_ndef(&web);
        for record in &web {
            if let Ok(raw) = record.to_raw() {
                let _ = WebNfcRecord::from_raw(&raw);
            }
        }
    }
    let _ = ndef::token_from_tag_memory(data);
    let _ = ndef::token_from_ndef_message(data);
});
