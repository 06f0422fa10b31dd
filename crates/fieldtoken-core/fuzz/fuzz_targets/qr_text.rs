//! Signed tokens from QR text (`FT:` + Base41) and from raw bytes: a typed error or a token that re-encodes to the
//! same bytes (the binary form is canonical) and reads back from its own text.
#![no_main]

use fieldtoken_core::SignedToken;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = SignedToken::from_bytes(data) {
        assert_eq!(token.to_bytes(), data);
        assert_eq!(SignedToken::from_text(&token.to_text()), Ok(token));
    }
    let text = String::from_utf8_lossy(data);
    for candidate in [text.to_string(), format!("FT:{text}")] {
        if let Ok(token) = SignedToken::from_text(&candidate) {
            assert_eq!(SignedToken::from_text(&token.to_text()), Ok(token));
            // Whitespace around the prefix and the payload is tolerated, nothing else.
            let squashed: String = candidate.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(squashed.eq_ignore_ascii_case(&token.to_text()));
        }
    }
});
