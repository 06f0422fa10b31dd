use super::*;

/// Deterministic test codes spread over the whole 80-bit range (splitmix64).
fn sample_codes(n: usize) -> Vec<TokenCode> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut codes = vec![
        TokenCode::from_bytes([0; 10]),
        TokenCode::from_bytes([0xFF; 10]),
    ];
    while codes.len() < n {
        let (a, b) = (next().to_be_bytes(), next().to_be_bytes());
        let mut bytes = [0u8; 10];
        bytes[..8].copy_from_slice(&a);
        bytes[8..].copy_from_slice(&b[..2]);
        codes.push(TokenCode::from_bytes(bytes));
    }
    codes
}

fn check(input: &str, expected: std::result::Result<&str, (&str, Option<usize>)>) {
    let got = TokenCode::parse(input)
        .map(|c| c.to_string())
        .map_err(|e| (e.code(), e.position()));
    assert_eq!(got, expected.map(str::to_string), "input {input:?}");
}

#[test]
fn tolerant_parsing() {
    // DESIGN: "Parsing ignores case, spaces and hyphens, reads I/L as 1 and O as 0".
    let canonical = "0410-6105-0R3G-G28A-Z";
    assert_eq!(
        TokenCode::from_bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).to_string(),
        canonical
    );
    check(canonical, Ok(canonical));
    check("041061050R3GG28AZ", Ok(canonical));
    check("  0410 6105 0r3g g28a z ", Ok(canonical));
    check("O4IO-6I05-oR3G-G28A-Z", Ok(canonical));
    check("0410\u{2013}6105\u{2010}0R3G-G28A-\tZ", Ok(canonical));
    check("", Err(("empty", None)));
    check(" - - ", Err(("empty", None)));
    check("0410-6105-0R3G-G28A", Err(("bad_length", Some(17))));
    check("0410-6105-0R3G-G28A-ZZ", Err(("bad_length", Some(18))));
    check("0410-6105-0RUG-G28A-Z", Err(("bad_symbol", Some(11))));
    check("0410-6105-0R*G-G28A-Z", Err(("bad_symbol", Some(11))));
    check("0410-6105-0R3G-G28A-!", Err(("bad_symbol", Some(17))));
    check("0410-6105-0R3G-G28A-é", Err(("bad_symbol", Some(17))));
    check("0410-6105-0R3G-G2A8-Z", Err(("bad_check_symbol", Some(17))));
}

#[test]
fn check_symbols_cover_all_37_values() {
    // The check alphabet's extra symbols *~$=U (values 32..36) are read in the last position, in any case.
    let mut seen = [false; 37];
    for code in sample_codes(2000) {
        seen[usize::from(code.check_value())] = true;
        let lower = code.to_string().to_ascii_lowercase();
        assert_eq!(TokenCode::parse(&lower), Ok(code));
    }
    assert!(seen.iter().all(|&s| s), "every check value occurs");
}

#[test]
fn every_single_substitution_is_rejected() {
    // DESIGN: "rejects any single wrong symbol or swap of neighbours with a clear error" - exhaustive over every
    // position and every other symbol, for many codes.
    for code in sample_codes(300) {
        let symbols: Vec<u8> = code.compact().into_bytes();
        for pos in 0..CODE_SYMBOLS {
            let alphabet: &[u8] = if pos < DATA_SYMBOLS {
                DATA_ALPHABET
            } else {
                CHECK_ALPHABET
            };
            for &replacement in alphabet.iter().filter(|&&s| s != symbols[pos]) {
                let mut typed = symbols.clone();
                typed[pos] = replacement;
                let err = TokenCode::parse(std::str::from_utf8(&typed).unwrap()).unwrap_err();
                assert_eq!(
                    (err.code(), err.position()),
                    ("bad_check_symbol", Some(17)),
                    "{code} at {pos}"
                );
            }
        }
    }
}

#[test]
fn every_adjacent_swap_is_rejected() {
    for code in sample_codes(3000) {
        let symbols: Vec<u8> = code.compact().into_bytes();
        for pos in 0..CODE_SYMBOLS - 1 {
            if symbols[pos] == symbols[pos + 1] {
                continue;
            }
            let mut typed = symbols.clone();
            typed.swap(pos, pos + 1);
            let err = TokenCode::parse(std::str::from_utf8(&typed).unwrap()).unwrap_err();
            // A check-only symbol (*~$=U) swapped into the data is a bad symbol at its new position.
            let expected = if pos == DATA_SYMBOLS - 1 && !DATA_ALPHABET.contains(&symbols[pos + 1])
            {
                ("bad_symbol", Some(pos + 1))
            } else {
                ("bad_check_symbol", Some(17))
            };
            assert_eq!(
                (err.code(), err.position()),
                expected,
                "{code} swap at {pos}"
            );
        }
    }
}

#[test]
fn weights_prove_detection_for_all_codes() {
    // The proof behind the sampled tests, for every code at once: the check is sum(v_i * w_i) mod 37 with
    // w_i = 32^(16-i) mod 37 for data symbol i (1-based) and the check symbol compared directly (weight -1).
    // A substitution at i changes the sum by d * w_i with 0 < |d| < 37; a swap at (i, i+1) by
    // (a - b) * (w_i - w_{i+1}). Both are non-zero mod 37 iff no weight and no neighbour difference is 0 mod 37.
    let mut weights: Vec<i64> = (0..DATA_SYMBOLS)
        .map(|i| (0..DATA_SYMBOLS - 1 - i).fold(1i64, |w, _| w * 32 % 37))
        .collect();
    weights.push(-1);
    for (i, w) in weights.iter().enumerate() {
        assert_ne!(w.rem_euclid(37), 0, "weight {i}");
    }
    for pair in weights.windows(2) {
        assert_ne!(
            (pair[0] - pair[1]).rem_euclid(37),
            0,
            "neighbour weights {pair:?}"
        );
    }
    // And the weights are what the implementation computes.
    for code in sample_codes(100) {
        let sum: i64 = code
            .symbol_values()
            .iter()
            .zip(&weights)
            .map(|(&v, &w)| i64::from(v) * w)
            .sum();
        assert_eq!(sum.rem_euclid(37), i64::from(code.check_value()));
    }
}
