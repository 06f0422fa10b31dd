//! The TypeScript `ErrorCode` union that `pkg/fieldtoken.d.ts` ships (the `typescript_custom_section` of
//! `src/lib.rs`) names exactly the core's error codes: a code the core adds must reach TypeScript users, and
//! a code the union keeps after the core dropped it would promise something no function throws.
//! Native (`cargo test -p fieldtoken-wasm`): it reads the source text, no browser needed.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use fieldtoken_core::ErrorKind;

const LIB_RS: &str = include_str!("../src/lib.rs");

/// The quoted members of `export type ErrorCode = | "a" | "b" ...;`.
fn union_codes() -> Vec<&'static str> {
    let start = LIB_RS
        .find("export type ErrorCode =")
        .expect("src/lib.rs declares `export type ErrorCode =`");
    let body = &LIB_RS[start + "export type ErrorCode =".len()..];
    let body = &body[..body.find(';').expect("the ErrorCode union ends with `;`")];
    body.split('|')
        .map(str::trim)
        .filter(|member| !member.is_empty())
        .map(|member| {
            member
                .strip_prefix('"')
                .and_then(|m| m.strip_suffix('"'))
                .unwrap_or_else(|| panic!("ErrorCode member {member:?} is not a string literal"))
        })
        .collect()
}

#[test]
fn the_typescript_error_code_union_lists_every_core_code_and_no_other() {
    let union = union_codes();
    let listed: BTreeSet<&str> = union.iter().copied().collect();
    assert_eq!(
        listed.len(),
        union.len(),
        "a code is listed twice: {union:?}"
    );
    let core: BTreeSet<&str> = ErrorKind::ALL.iter().map(|kind| kind.code()).collect();
    let missing: Vec<_> = core.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&core).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "ErrorCode in crates/fieldtoken-wasm/src/lib.rs differs from fieldtoken_core::ErrorKind::ALL:\n  \
         missing from the union: {missing:?}\n  in the union but not in the core: {extra:?}"
    );
}
