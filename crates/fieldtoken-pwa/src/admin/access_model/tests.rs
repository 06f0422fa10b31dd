//! The access token screens' translations: settings in words, typed counts, automatic outcomes, and which
//! inputs a form offers.

use wasm_bindgen_test::*;

use super::*;

wasm_bindgen_test_configure!(run_in_browser);

fn field(source: CodeSource, counts: [u8; 4], mandatory: bool) -> CredentialFieldSettings {
    let [min_length, min_letters, min_digits, min_special] = counts;
    CredentialFieldSettings {
        source,
        min_length,
        min_letters,
        min_digits,
        min_special,
        mandatory,
    }
}

fn pass_code(generated: bool, counts: [u8; 4], mandatory: bool) -> PassCodeSettings {
    let [min_length, min_letters, min_digits, min_special] = counts;
    PassCodeSettings {
        generated,
        min_length,
        min_letters,
        min_digits,
        min_special,
        mandatory,
    }
}

#[wasm_bindgen_test]
fn settings_read_as_one_line() {
    let check = |settings: CredentialFieldSettings, expected: &str| {
        assert_eq!(field_summary(&settings), expected, "{settings:?}");
    };
    check(field(CodeSource::Email, [0; 4], false), "Email");
    check(
        field(CodeSource::Email, [6, 0, 1, 0], true),
        "Email, at least 6 characters, 1 digit, mandatory",
    );
    check(
        field(CodeSource::AutoId, [16, 0, 0, 0], true),
        "Auto ID, at least 16 characters, mandatory",
    );
    check(
        field(CodeSource::Number, [0, 0, 2, 0], false),
        "Number, at least 2 digits",
    );
    check(
        field(CodeSource::FreeText, [1, 2, 0, 1], false),
        "Free text, at least 1 character, 2 letters, 1 special character",
    );
    assert_eq!(
        pass_code_summary(&pass_code(false, [8, 1, 1, 0], false)),
        "Typed, at least 8 characters, 1 letter, 1 digit"
    );
    assert_eq!(
        pass_code_summary(&pass_code(true, [10, 0, 2, 0], true)),
        "Generated, at least 10 characters, 2 digits, mandatory"
    );
}

#[wasm_bindgen_test]
fn sources_go_by_the_apis_names() {
    assert_eq!(source_name(CodeSource::FreeText), "free_text");
    assert_eq!(source_name(CodeSource::AutoNumber), "auto_number");
    assert_eq!(source_label(CodeSource::AutoId), "Auto ID");
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
    let kept = |reason| AutomaticOutcome {
        outcome: AutomaticStep::Unchanged,
        reason: Some(reason),
    };
    assert_eq!(
        automatic_words(
            3,
            AutomaticOutcome {
                outcome: AutomaticStep::SetNotEffective,
                reason: None
            }
        ),
        "Access token #3 was set 'Not Effective'."
    );
    assert_eq!(
        automatic_words(4, kept(KeptReason::DefinitionDisabled)),
        "Access token #4 keeps its state: the active definition does not set tokens 'Not Effective' on removing the last association."
    );
    assert_eq!(
        automatic_words(5, kept(KeptReason::OtherAssociation)),
        "Access token #5 keeps its state: it is still linked to another accounts receivable or rewards participant."
    );
    assert_eq!(
        automatic_words(6, kept(KeptReason::PendingVerification)),
        "Access token #6 keeps its state: it is 'Pending Verification'."
    );
    assert_eq!(
        automatic_words(7, kept(KeptReason::AlreadyNotEffective)),
        "Access token #7 keeps its state: it was 'Not Effective' already."
    );
}

fn settings(
    identifier: CodeSource,
    pass_code_generated: bool,
    authentication_code: CodeSource,
) -> CredentialSettings {
    CredentialSettings {
        identifier: field(identifier, [0; 4], false),
        pass_code: pass_code(pass_code_generated, [0; 4], false),
        authentication_code: field(authentication_code, [16, 0, 0, 0], true),
    }
}

fn definition(id: u32, active: bool, settings: CredentialSettings) -> AccessTokenDefinition {
    AccessTokenDefinition {
        id,
        name: format!("Definition {id}"),
        active,
        settings,
        allow_without_identifier_and_pass_code: true,
        not_effective_on_last_removal: false,
        requires_verification: false,
        created_at: fieldtoken_api::Time("2026-12-01T00:00:00Z".into()),
    }
}

#[wasm_bindgen_test]
fn a_classification_replaces_the_active_definitions_settings() {
    use CodeSource::*;
    let definitions = [
        definition(1, false, settings(FreeText, false, FreeText)),
        definition(2, true, settings(Email, true, AutoId)),
    ];
    let classifications = [AccessTokenClassification {
        id: 9,
        name: "Badges".into(),
        settings: settings(AutoNumber, false, Number),
    }];
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
    let mut d = definition(1, true, CredentialSettings::default());
    assert_eq!(
        definition_options(&d),
        "Allows tokens with no identifier and pass code"
    );
    d.allow_without_identifier_and_pass_code = false;
    assert_eq!(definition_options(&d), "None");
    d.not_effective_on_last_removal = true;
    d.requires_verification = true;
    assert_eq!(
        definition_options(&d),
        "Sets tokens 'Not Effective' on removing the last association; New tokens need verification"
    );
}

#[wasm_bindgen_test]
fn tokens_are_named_by_number_and_identifier() {
    let token: AccessToken = serde_json::from_value(serde_json::json!({
        "number": 3, "authentication_code": "ABCD", "identifier": "ana@example.com",
        "state": "pending_verification", "state_label": "Pending Verification", "has_pass_code": true,
        "accounts_receivable_id": null, "rewards_participant_id": null, "classification_id": null,
        "log": { "created_at": "2026-12-01T00:00:00Z", "created_by": "admin",
                 "updated_at": "2026-12-01T00:00:00Z", "updated_by": "admin" },
        "verification": { "verified_on": null, "verified_by": null, "code": null },
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
