//! Token codes typed by hand: any text gives a code or a typed error, and a code reads back as itself.
#![no_main]

use fieldtoken_core::TokenCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match TokenCode::parse(&text) {
        Ok(code) => {
            let canonical = code.to_string();
            assert_eq!(canonical.len(), 21);
            assert_eq!(TokenCode::parse(&canonical), Ok(code));
        }
        Err(e) => assert!(!e.code().is_empty() && !e.message().is_empty()),
    }
});
