//! The access token screens' data (seed 002), as the MDM's API sends it, and the few pure translations the
//! views need: settings and automatic outcomes in words, typed counts checked before they are sent.
//!
//! Nothing here decides a rule: the MDM asks the core, and its refusals are shown as they come. What the
//! views take from here is only which inputs make sense to offer (a generated value cannot be typed).

use serde::Deserialize;

/// An access token as the API shows it (never its pass code).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct AccessToken {
    /// Its number in the organisation.
    pub number: u32,
    /// The code that identifies it at sign-in.
    #[serde(default)]
    pub authentication_code: String,
    /// Who it identifies, when it has an identifier.
    pub identifier: Option<String>,
    /// `effective`, `not_effective` or `pending_verification`.
    pub state: String,
    /// The state as people read it ('Not Effective').
    pub state_label: String,
    /// Whether a pass code is set.
    pub has_pass_code: bool,
    /// Its accounts receivable, set when creating it or from that screen.
    #[serde(default)]
    pub accounts_receivable_id: Option<u32>,
    /// Its rewards participant, set when creating it or from that screen.
    #[serde(default)]
    pub rewards_participant_id: Option<u32>,
    /// Its classification, set only when creating it.
    #[serde(default)]
    pub classification_id: Option<u32>,
}

impl AccessToken {
    /// Whether it waits for its verification code.
    pub fn is_pending(&self) -> bool {
        self.state == "pending_verification"
    }

    /// "#3 (ana@example.com)", how selects and messages name it.
    pub fn title(&self) -> String {
        match &self.identifier {
            Some(identifier) => format!("#{} ({identifier})", self.number),
            None => format!("#{}", self.number),
        }
    }
}

/// The settings of one text of a token: the identifier, the pass code or the authentication code.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct FieldSettings {
    /// `auto_number`, `auto_id`, `email`, `number` or `free_text` (not sent for the pass code).
    #[serde(default)]
    pub source: String,
    /// Pass code only: whether the system generates it.
    #[serde(default)]
    pub generated: bool,
    /// The fewest characters.
    #[serde(default)]
    pub min_length: u8,
    /// The fewest letters.
    #[serde(default)]
    pub min_letters: u8,
    /// The fewest digits.
    #[serde(default)]
    pub min_digits: u8,
    /// The fewest special characters.
    #[serde(default)]
    pub min_special: u8,
    /// Whether every token needs one.
    #[serde(default)]
    pub mandatory: bool,
}

impl FieldSettings {
    /// Whether people type this value (else the system makes it and the field is read-only).
    pub fn is_typed(&self) -> bool {
        matches!(self.source.as_str(), "email" | "number" | "free_text")
    }

    /// The minimums in their wire order: length, letters, digits, special characters.
    pub fn counts(&self) -> [u8; 4] {
        [
            self.min_length,
            self.min_letters,
            self.min_digits,
            self.min_special,
        ]
    }

    /// "Email, at least 6 characters, 1 digit, mandatory": the settings in one line for a table cell.
    pub fn summary(&self, pass_code: bool) -> String {
        let mut parts = vec![if pass_code {
            (if self.generated { "Generated" } else { "Typed" }).to_owned()
        } else {
            source_label(&self.source).to_owned()
        }];
        for (count, [one, many]) in self.counts().into_iter().zip(COUNT_NOUNS) {
            if count > 0 {
                let noun = if count == 1 { one } else { many };
                parts.push(format!("{count} {noun}"));
            }
        }
        if let Some(first_count) = parts.get_mut(1) {
            first_count.insert_str(0, "at least ");
        }
        if self.mandatory {
            parts.push("mandatory".into());
        }
        parts.join(", ")
    }
}

/// The nouns of [`FieldSettings::counts`], singular and plural.
const COUNT_NOUNS: [[&str; 2]; 4] = [
    ["character", "characters"],
    ["letter", "letters"],
    ["digit", "digits"],
    ["special character", "special characters"],
];

/// The labels of [`FieldSettings::counts`] in a form.
pub const COUNT_LABELS: [&str; 4] = [
    "Minimum length",
    "Minimum letters",
    "Minimum digits",
    "Minimum special characters",
];

/// The wire names of [`FieldSettings::counts`].
pub const COUNT_NAMES: [&str; 4] = ["min_length", "min_letters", "min_digits", "min_special"];

/// How an identifier or authentication code is made, wire name and label, in the seed's order.
pub const SOURCES: [(&str, &str); 5] = [
    ("auto_number", "Auto number"),
    ("auto_id", "Auto ID"),
    ("email", "Email"),
    ("number", "Number"),
    ("free_text", "Free text"),
];

/// The label of a source's wire name (the name itself when this build does not know it).
pub fn source_label(source: &str) -> &str {
    SOURCES
        .iter()
        .find(|(name, _)| *name == source)
        .map_or(source, |(_, label)| label)
}

/// Format settings of a definition or a classification.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Settings {
    /// The identifier.
    #[serde(default)]
    pub identifier: FieldSettings,
    /// The pass code.
    #[serde(default)]
    pub pass_code: FieldSettings,
    /// The authentication code.
    #[serde(default)]
    pub authentication_code: FieldSettings,
}

/// An access token definition, or a classification (which has only a name and settings: its life cycle
/// options read as `false`). One type for both keeps one copy of the decoding code in the PWA.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Definition {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// Whether it is the one active definition.
    #[serde(default)]
    pub active: bool,
    /// Its format settings.
    pub settings: Settings,
    /// Whether tokens may have neither identifier nor pass code.
    #[serde(default)]
    pub allow_without_identifier_and_pass_code: bool,
    /// Whether removing a token's last association sets it 'Not Effective'.
    #[serde(default)]
    pub not_effective_on_last_removal: bool,
    /// Whether new tokens wait 'Pending Verification' for their verification code.
    #[serde(default)]
    pub requires_verification: bool,
}

/// An access token classification: its settings replace the active definition's for its tokens.
pub type Classification = Definition;

impl Definition {
    /// Its automations and permissions in words, for a table cell.
    pub fn options(&self) -> String {
        let mut said = Vec::new();
        if self.allow_without_identifier_and_pass_code {
            said.push("Allows tokens with no identifier and pass code");
        }
        if self.not_effective_on_last_removal {
            said.push("Sets tokens 'Not Effective' on removing the last association");
        }
        if self.requires_verification {
            said.push("New tokens need verification");
        }
        if said.is_empty() {
            "None".into()
        } else {
            said.join("; ")
        }
    }
}

/// An accounts receivable or a rewards participant.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Party {
    /// Its id.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// A rewards participant's accounts receivable.
    #[serde(default)]
    pub accounts_receivable_id: Option<u32>,
    /// Whether it is terminated.
    pub terminated: bool,
}

/// The settings that apply to a token: its classification's when it has one, else the active definition's
/// (seed 002: "If a Classification is defined then the formatting settings will be taken from the
/// classification"). `None` when neither is known: the views then offer every input and the MDM decides.
pub fn applicable_settings<'a>(
    definitions: &'a [Definition],
    classifications: &'a [Classification],
    classification: Option<u32>,
) -> Option<&'a Settings> {
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
    pub fn of(settings: Option<&Settings>) -> Typed {
        settings.map_or(
            Typed {
                identifier: true,
                pass_code: true,
                authentication_code: true,
            },
            |s| Typed {
                identifier: s.identifier.is_typed(),
                pass_code: !s.pass_code.generated,
                authentication_code: s.authentication_code.is_typed(),
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

/// What the automatic 'Not Effective' did to a token (seed 002: "Automatically: SET AS 'NOT EFFECTIVE'"),
/// from the MDM's `outcome` and `reason`.
pub fn automatic_words(number: u64, outcome: &str, reason: &str) -> String {
    if outcome == "set_not_effective" {
        return format!("Access token #{number} was set 'Not Effective'.");
    }
    let why = match reason {
        "definition_disabled" => {
            "the active definition does not set tokens 'Not Effective' on removing the last association"
        }
        "other_association" => {
            "it is still linked to another accounts receivable or rewards participant"
        }
        "pending_verification" => "it is 'Pending Verification'",
        "already_not_effective" => "it was 'Not Effective' already",
        other => other,
    };
    format!("Access token #{number} keeps its state: {why}.")
}

#[cfg(test)]
mod tests;
