//! The access token screens' translations: settings in words, typed counts, automatic outcomes, and which
//! inputs a form offers.

use wasm_bindgen_test::*;

use super::*;

wasm_bindgen_test_configure!(run_in_browser);

fn field(source: &str, counts: [u8; 4], mandatory: bool) -> FieldSettings {
    let [min_length, min_letters, min_digits, min_special] = counts;
    FieldSettings {
        source: source.into(),
        generated: false,
        min_length,
        min_letters,
        min_digits,
        min_special,
        mandatory,
    }
}

#[wasm_bindgen_test]
fn settings_read_as_one_line() {
    let check = |settings: FieldSettings, pass_code: bool, expected: &str| {
        assert_eq!(settings.summary(pass_code), expected, "{settings:?}");
    };
    check(field("email", [0; 4], false), false, "Email");
    check(
        field("email", [6, 0, 1, 0], true),
        false,
        "Email, at least 6 characters, 1 digit, mandatory",
    );
    check(
        field("auto_id", [16, 0, 0, 0], true),
        false,
        "Auto ID, at least 16 characters, mandatory",
    );
    check(
        field("number", [0, 0, 2, 0], false),
        false,
        "Number, at least 2 digits",
    );
    check(
        field("free_text", [1, 2, 0, 1], false),
        false,
        "Free text, at least 1 character, 2 letters, 1 special character",
    );
    check(
        field("", [8, 1, 1, 0], false),
        true,
        "Typed, at least 8 characters, 1 letter, 1 digit",
    );
    check(
        FieldSettings {
            generated: true,
            ..field("", [10, 0, 2, 0], true)
        },
        true,
        "Generated, at least 10 characters, 2 digits, mandatory",
    );
    // A source a newer MDM knows and this build does not is shown as it comes.
    check(field("phone", [0; 4], false), false, "phone");
}

#[wasm_bindgen_test]
fn counts_are_whole_numbers_from_0_to_255() {
    assert_eq!(parse_count("Identifier", "Minimum length", ""), Ok(0));
    assert_eq!(parse_count("Identifier", "Minimum length", " 12 "), Ok(12));
    assert_eq!(parse_count("Identifier", "Minimum length", "255"), Ok(255));
    for bad in ["256", "-1", "1.5", "ten"] {
        assert_eq!(
            parse_count("Pass code", "Minimum digits", bad),
            Err("Pass code: minimum digits must be a whole number from 0 to 255.".into()),
            "{bad}"
        );
    }
}

#[wasm_bindgen_test]
fn automatic_outcomes_are_said_in_words() {
    assert_eq!(
        automatic_words(3, "set_not_effective", ""),
        "Access token #3 was set 'Not Effective'."
    );
    assert_eq!(
        automatic_words(4, "unchanged", "definition_disabled"),
        "Access token #4 keeps its state: the active definition does not set tokens 'Not Effective' on removing the last association."
    );
    assert_eq!(
        automatic_words(5, "unchanged", "other_association"),
        "Access token #5 keeps its state: it is still linked to another accounts receivable or rewards participant."
    );
    assert_eq!(
        automatic_words(6, "unchanged", "pending_verification"),
        "Access token #6 keeps its state: it is 'Pending Verification'."
    );
    assert_eq!(
        automatic_words(7, "unchanged", "already_not_effective"),
        "Access token #7 keeps its state: it was 'Not Effective' already."
    );
}

fn settings(identifier: &str, pass_code_generated: bool, authentication_code: &str) -> Settings {
    Settings {
        identifier: field(identifier, [0; 4], false),
        pass_code: FieldSettings {
            generated: pass_code_generated,
            ..FieldSettings::default()
        },
        authentication_code: field(authentication_code, [16, 0, 0, 0], true),
    }
}

fn definition(id: u32, active: bool, settings: Settings) -> Definition {
    Definition {
        id,
        name: format!("Definition {id}"),
        active,
        settings,
        allow_without_identifier_and_pass_code: true,
        not_effective_on_last_removal: false,
        requires_verification: false,
    }
}

#[wasm_bindgen_test]
fn a_classification_replaces_the_active_definitions_settings() {
    let definitions = [
        definition(1, false, settings("free_text", false, "free_text")),
        definition(2, true, settings("email", true, "auto_id")),
    ];
    // A classification has a name and settings; the options of a definition stay off.
    let classifications = [definition(
        9,
        false,
        settings("auto_number", false, "number"),
    )];
    let typed = |class| Typed::of(applicable_settings(&definitions, &classifications, class));
    assert_eq!(
        typed(None),
        Typed {
            identifier: true,
            pass_code: false,
            authentication_code: false
        }
    );
    assert_eq!(
        typed(Some(9)),
        Typed {
            identifier: false,
            pass_code: true,
            authentication_code: true
        }
    );
    // Unknown settings (no active definition, a classification not loaded): every input, and the MDM decides.
    let all = Typed {
        identifier: true,
        pass_code: true,
        authentication_code: true,
    };
    assert_eq!(typed(Some(10)), all);
    assert_eq!(
        Typed::of(applicable_settings(&definitions[..1], &[], None)),
        all
    );
}

#[wasm_bindgen_test]
fn definition_options_in_words() {
    let mut d = definition(1, true, Settings::default());
    assert_eq!(
        d.options(),
        "Allows tokens with no identifier and pass code"
    );
    d.allow_without_identifier_and_pass_code = false;
    assert_eq!(d.options(), "None");
    d.not_effective_on_last_removal = true;
    d.requires_verification = true;
    assert_eq!(
        d.options(),
        "Sets tokens 'Not Effective' on removing the last association; New tokens need verification"
    );
}

#[wasm_bindgen_test]
fn tokens_are_named_by_number_and_identifier() {
    let token: AccessToken = serde_json::from_value(serde_json::json!({
        "number": 3, "identifier": "ana@example.com", "state": "pending_verification",
        "state_label": "Pending Verification", "has_pass_code": true, "accounts_receivable_id": null,
    }))
    .unwrap();
    assert_eq!(token.title(), "#3 (ana@example.com)");
    assert!(token.is_pending());
    assert_eq!(
        AccessToken {
            identifier: None,
            ..token
        }
        .title(),
        "#3"
    );
}
