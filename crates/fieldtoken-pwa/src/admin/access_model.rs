//! The access token screens' data (seed 002): the API's types from `fieldtoken_api`, and the few pure
//! translations the views need: settings and automatic outcomes in words, typed counts checked before they are sent.
//!
//! Nothing here decides a rule: the MDM asks the core, and its refusals are shown as they come. What the
//! views take from here is only which inputs make sense to offer (a generated value cannot be typed).

pub use fieldtoken_api::access::{
    AccessToken, AccessTokenClassification, AccessTokenDefinition, AutomaticOutcome, AutomaticStep,
    CodeSource, CredentialFieldSettings, CredentialSettings, KeptReason, LifeCycleState, Party,
    PassCodeSettings,
};

/// How the access token screens name a token.
pub trait TokenExt {
    /// Whether it waits for its verification code.
    fn is_pending(&self) -> bool;

    /// "#3 (ana@example.com)", how selects and messages name it.
    fn title(&self) -> String;
}

impl TokenExt for AccessToken {
    fn is_pending(&self) -> bool {
        self.state == LifeCycleState::PendingVerification
    }

    fn title(&self) -> String {
        match &self.identifier {
            Some(identifier) => format!("#{} ({identifier})", self.number),
            None => format!("#{}", self.number),
        }
    }
}

/// Whether people type a value made this way (else the system makes it and the field is read-only).
pub fn is_typed(source: CodeSource) -> bool {
    matches!(
        source,
        CodeSource::Email | CodeSource::Number | CodeSource::FreeText
    )
}

/// "Email, at least 6 characters, 1 digit, mandatory": an identifier's or authentication code's settings in
/// one line for a table cell.
pub fn field_summary(field: &CredentialFieldSettings) -> String {
    let counts = [
        field.min_length,
        field.min_letters,
        field.min_digits,
        field.min_special,
    ];
    summary(source_label(field.source), counts, field.mandatory)
}

/// "Typed, at least 8 characters, 1 letter, 1 digit": the pass code's settings in one line.
pub fn pass_code_summary(pass_code: &PassCodeSettings) -> String {
    let counts = [
        pass_code.min_length,
        pass_code.min_letters,
        pass_code.min_digits,
        pass_code.min_special,
    ];
    let how = if pass_code.generated {
        "Generated"
    } else {
        "Typed"
    };
    summary(how, counts, pass_code.mandatory)
}

/// How a value is made, then its minimums (length, letters, digits, special characters) and whether it is
/// mandatory.
fn summary(how: &str, counts: [u8; 4], mandatory: bool) -> String {
    let mut parts = vec![how.to_owned()];
    for (count, [one, many]) in counts.into_iter().zip(COUNT_NOUNS) {
        if count > 0 {
            let noun = if count == 1 { one } else { many };
            parts.push(format!("{count} {noun}"));
        }
    }
    if let Some(first_count) = parts.get_mut(1) {
        first_count.insert_str(0, "at least ");
    }
    if mandatory {
        parts.push("mandatory".into());
    }
    parts.join(", ")
}

/// The nouns of the minimums, singular and plural.
const COUNT_NOUNS: [[&str; 2]; 4] = [
    ["character", "characters"],
    ["letter", "letters"],
    ["digit", "digits"],
    ["special character", "special characters"],
];

/// The labels of the minimums in a form.
pub const COUNT_LABELS: [&str; 4] = [
    "Minimum length",
    "Minimum letters",
    "Minimum digits",
    "Minimum special characters",
];

/// The wire names of the minimums.
pub const COUNT_NAMES: [&str; 4] = ["min_length", "min_letters", "min_digits", "min_special"];

/// The label of each way a value is made, in the seed's order.
pub const SOURCES: [(CodeSource, &str); 5] = [
    (CodeSource::AutoNumber, "Auto number"),
    (CodeSource::AutoId, "Auto ID"),
    (CodeSource::Email, "Email"),
    (CodeSource::Number, "Number"),
    (CodeSource::FreeText, "Free text"),
];

/// The label of a way a value is made.
pub fn source_label(source: CodeSource) -> &'static str {
    SOURCES
        .iter()
        .find(|(known, _)| *known == source)
        .map_or("", |(_, label)| label)
}

/// The name the API gives a way a value is made (`free_text`).
pub fn source_name(source: CodeSource) -> String {
    serde_json::to_value(source)
        .ok()
        .and_then(|name| name.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A definition's automations and permissions in words, for a table cell.
pub fn definition_options(definition: &AccessTokenDefinition) -> String {
    let mut said = Vec::new();
    if definition.allow_without_identifier_and_pass_code {
        said.push("Allows tokens with no identifier and pass code");
    }
    if definition.not_effective_on_last_removal {
        said.push("Sets tokens 'Not Effective' on removing the last association");
    }
    if definition.requires_verification {
        said.push("New tokens need verification");
    }
    if said.is_empty() {
        "None".into()
    } else {
        said.join("; ")
    }
}

/// The settings that apply to a token: its classification's when it has one, else the active definition's
/// (seed 002: "If a Classification is defined then the formatting settings will be taken from the
/// classification"). `None` when neither is known: the views then offer every input and the MDM decides.
pub fn applicable_settings<'a>(
    definitions: &'a [AccessTokenDefinition],
    classifications: &'a [AccessTokenClassification],
    classification: Option<u32>,
) -> Option<&'a CredentialSettings> {
    match classification {
        Some(id) => classifications
            .iter()
            .find(|c| c.id == id)
            .map(|c| &c.settings),
        None => definitions.iter().find(|d| d.active).map(|d| &d.settings),
    }
}

/// Which texts a form may offer to type: generated ones are read-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Typed {
    /// The identifier.
    pub identifier: bool,
    /// The pass code.
    pub pass_code: bool,
    /// The authentication code.
    pub authentication_code: bool,
}

impl Typed {
    /// What `settings` lets people type; everything when the settings are unknown.
    pub fn of(settings: Option<&CredentialSettings>) -> Typed {
        settings.map_or(
            Typed {
                identifier: true,
                pass_code: true,
                authentication_code: true,
            },
            |s| Typed {
                identifier: is_typed(s.identifier.source),
                pass_code: !s.pass_code.generated,
                authentication_code: is_typed(s.authentication_code.source),
            },
        )
    }
}

/// A typed minimum as the API takes it: empty is 0; anything but a whole number from 0 to 255 is refused
/// in words naming the setting.
pub fn parse_count(what: &str, label: &str, typed: &str) -> Result<u8, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(0);
    }
    typed.parse().map_err(|_| {
        format!(
            "{what}: {} must be a whole number from 0 to 255.",
            label.to_lowercase()
        )
    })
}

/// What the automatic 'Not Effective' did to token `number` (seed 002: "Automatically: SET AS 'NOT
/// EFFECTIVE'"), from the MDM's answer.
pub fn automatic_words(number: u32, automatic: AutomaticOutcome) -> String {
    if automatic.outcome == AutomaticStep::SetNotEffective {
        return format!("Access token #{number} was set 'Not Effective'.");
    }
    let why = match automatic.reason {
        Some(KeptReason::DefinitionDisabled) => {
            "the active definition does not set tokens 'Not Effective' on removing the last association"
        }
        Some(KeptReason::OtherAssociation) => {
            "it is still linked to another accounts receivable or rewards participant"
        }
        Some(KeptReason::PendingVerification) => "it is 'Pending Verification'",
        Some(KeptReason::AlreadyNotEffective) => "it was 'Not Effective' already",
        None => "the MDM gave no reason",
    };
    format!("Access token #{number} keeps its state: {why}.")
}

#[cfg(test)]
mod tests;
