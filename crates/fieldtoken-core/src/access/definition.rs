//! Access token definitions and classifications: how each text of a token is made (generated or typed, and in what
//! format) and the automations of the life cycle. One definition is active at a time; a token's classification,
//! when it has one, replaces the definition's format settings.

use crate::error::{Error, ErrorKind, Result};

use super::credentials::MAX_CREDENTIAL_CHARS;
use super::{AccessTokenDefinitionId, ClassificationId};

/// The format of a typed identifier or authentication code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TextFormat {
    /// An email address, like `name@example.com`.
    Email,
    /// Digits `0`-`9` only.
    Number,
    /// Any characters but control characters.
    FreeText,
}

/// How an identifier or authentication code is made.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CodeSource {
    /// Generated: the token's number, zero-padded to the minimum length. Read-only.
    AutoNumber,
    /// Generated: random letters, digits and special characters that meet the character rules. Read-only.
    AutoId,
    /// Typed by the person creating the token, in this format.
    Entered(TextFormat),
}

impl CodeSource {
    /// Whether the system makes the value (the field is read-only).
    pub const fn is_generated(self) -> bool {
        !matches!(self, CodeSource::Entered(_))
    }

    pub(crate) const fn format(self) -> Option<TextFormat> {
        match self {
            CodeSource::Entered(format) => Some(format),
            CodeSource::AutoNumber | CodeSource::AutoId => None,
        }
    }
}

/// Minimum length and minimum counts of each class of characters. Letters are alphabetic characters of any script,
/// digits are `0`-`9`, special characters are all the others.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct CharacterRules {
    /// The fewest characters.
    pub min_length: u8,
    /// The fewest letters.
    pub min_letters: u8,
    /// The fewest digits.
    pub min_digits: u8,
    /// The fewest special characters.
    pub min_special: u8,
}

impl CharacterRules {
    /// No rule.
    pub const NONE: CharacterRules = CharacterRules {
        min_length: 0,
        min_letters: 0,
        min_digits: 0,
        min_special: 0,
    };

    /// The fewest characters a text meeting every rule has.
    pub fn required_length(&self) -> usize {
        usize::from(self.min_length).max(
            usize::from(self.min_letters)
                + usize::from(self.min_digits)
                + usize::from(self.min_special),
        )
    }
}

/// The settings of an identifier or an authentication code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FieldSettings {
    /// How the value is made.
    pub source: CodeSource,
    /// What a value must hold.
    pub rules: CharacterRules,
    /// Whether every token must have one. Ignored for the authentication code, which is always mandatory.
    pub mandatory: bool,
}

/// The settings of a pass code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PassCodeSettings {
    /// Whether the system generates pass codes (the field is then read-only), or people type them.
    pub generated: bool,
    /// What a pass code must hold; generated ones always do.
    pub rules: CharacterRules,
    /// Whether every token must have one.
    pub mandatory: bool,
}

/// The format settings of a definition or a classification, checked to be consistent.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct CredentialSettings {
    identifier: FieldSettings,
    pass_code: PassCodeSettings,
    authentication_code: FieldSettings,
}

impl CredentialSettings {
    /// Checks that the settings can be met: lengths within [`MAX_CREDENTIAL_CHARS`], and no letters or special
    /// characters asked of numbers. `bad_definition` names the setting otherwise.
    pub fn new(
        identifier: FieldSettings,
        pass_code: PassCodeSettings,
        authentication_code: FieldSettings,
    ) -> Result<Self> {
        for (what, rules) in [
            ("identifier", identifier.rules),
            ("pass code", pass_code.rules),
            ("authentication code", authentication_code.rules),
        ] {
            if rules.required_length() > MAX_CREDENTIAL_CHARS {
                return Err(Error::new(
                    ErrorKind::BadDefinition,
                    format!(
                        "the {what} settings ask for {} characters; at most {MAX_CREDENTIAL_CHARS} are allowed",
                        rules.required_length()
                    ),
                ));
            }
        }
        for (what, field) in [
            ("identifier", identifier),
            ("authentication code", authentication_code),
        ] {
            let digits_only = matches!(
                field.source,
                CodeSource::AutoNumber | CodeSource::Entered(TextFormat::Number)
            );
            if digits_only && (field.rules.min_letters > 0 || field.rules.min_special > 0) {
                return Err(Error::new(
                    ErrorKind::BadDefinition,
                    format!(
                        "the {what} is a number, so it cannot need letters or special characters"
                    ),
                ));
            }
        }
        Ok(CredentialSettings {
            identifier,
            pass_code,
            authentication_code,
        })
    }

    /// The identifier settings.
    pub fn identifier(&self) -> &FieldSettings {
        &self.identifier
    }
    /// The pass code settings.
    pub fn pass_code(&self) -> &PassCodeSettings {
        &self.pass_code
    }
    /// The authentication code settings.
    pub fn authentication_code(&self) -> &FieldSettings {
        &self.authentication_code
    }
}

impl Default for CredentialSettings {
    /// A typed free-text identifier, a typed pass code of at least 8 characters with a letter and a digit, and a
    /// random 16-character authentication code.
    fn default() -> Self {
        CredentialSettings {
            identifier: FieldSettings {
                source: CodeSource::Entered(TextFormat::FreeText),
                rules: CharacterRules {
                    min_length: 1,
                    ..CharacterRules::NONE
                },
                mandatory: false,
            },
            pass_code: PassCodeSettings {
                generated: false,
                rules: CharacterRules {
                    min_length: 8,
                    min_letters: 1,
                    min_digits: 1,
                    min_special: 0,
                },
                mandatory: false,
            },
            authentication_code: FieldSettings {
                source: CodeSource::AutoId,
                rules: CharacterRules {
                    min_length: 16,
                    ..CharacterRules::NONE
                },
                mandatory: true,
            },
        }
    }
}

fn checked_name(name: &str, what: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::new(
            ErrorKind::BadName,
            format!("a {what} needs a name of 1 to 100 characters, without control characters"),
        ));
    }
    Ok(name.to_string())
}

/// A classification of access tokens: its format settings replace the definition's for the tokens created with it
/// (seed 002: "If a Classification is defined then the formatting settings will be taken from the classification").
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Classification {
    id: ClassificationId,
    name: String,
    credentials: CredentialSettings,
}

impl Classification {
    /// A classification with its settings.
    pub fn new(id: ClassificationId, name: &str, credentials: CredentialSettings) -> Result<Self> {
        Ok(Classification {
            id,
            name: checked_name(name, "classification")?,
            credentials,
        })
    }
    /// Its id.
    pub fn id(&self) -> ClassificationId {
        self.id
    }
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its format settings.
    pub fn credentials(&self) -> &CredentialSettings {
        &self.credentials
    }
}

/// An access token definition: the format settings of tokens without a classification, and the automations. Only
/// one definition is active at a time (see [`active_definition`]).
///
/// New definitions are active, allow tokens with no identifier and pass code, leave tokens alone when their last
/// association is removed, and need no verification; the `with_` methods change that.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AccessTokenDefinition {
    id: AccessTokenDefinitionId,
    name: String,
    active: bool,
    credentials: CredentialSettings,
    allow_without_identifier_and_pass_code: bool,
    not_effective_on_last_removal: bool,
    requires_verification: bool,
}

impl AccessTokenDefinition {
    /// A definition with its format settings for tokens without a classification.
    pub fn new(
        id: AccessTokenDefinitionId,
        name: &str,
        credentials: CredentialSettings,
    ) -> Result<Self> {
        Ok(AccessTokenDefinition {
            id,
            name: checked_name(name, "definition")?,
            active: true,
            credentials,
            allow_without_identifier_and_pass_code: true,
            not_effective_on_last_removal: false,
            requires_verification: false,
        })
    }

    /// The definition, active or not.
    pub fn with_active(mut self, active: bool) -> Self {
        self.active = active;
        self
    }
    /// The definition with "Allow creating access tokens with no identifier and pass code" set.
    pub fn with_allow_without_identifier_and_pass_code(mut self, allow: bool) -> Self {
        self.allow_without_identifier_and_pass_code = allow;
        self
    }
    /// The definition with "Set access tokens as 'Not Effective' on removing the last entity association" set.
    pub fn with_not_effective_on_last_removal(mut self, enabled: bool) -> Self {
        self.not_effective_on_last_removal = enabled;
        self
    }
    /// The definition with verification required: new tokens start 'Pending Verification'.
    pub fn with_requires_verification(mut self, required: bool) -> Self {
        self.requires_verification = required;
        self
    }

    /// Its id.
    pub fn id(&self) -> AccessTokenDefinitionId {
        self.id
    }
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Whether it is the active definition.
    pub fn is_active(&self) -> bool {
        self.active
    }
    /// Whether tokens may have neither identifier nor pass code (authenticating by their authentication code).
    pub fn allow_without_identifier_and_pass_code(&self) -> bool {
        self.allow_without_identifier_and_pass_code
    }
    /// Whether removing a token's last association (or terminating its accounts receivable) sets it 'Not
    /// Effective'.
    pub fn not_effective_on_last_removal(&self) -> bool {
        self.not_effective_on_last_removal
    }
    /// Whether new tokens start 'Pending Verification' with a verification code.
    pub fn requires_verification(&self) -> bool {
        self.requires_verification
    }
    /// The format settings for tokens without a classification.
    pub fn credentials(&self) -> &CredentialSettings {
        &self.credentials
    }
    /// The format settings that apply to a token of this classification: the classification's when there is one.
    pub fn credentials_for<'a>(
        &'a self,
        classification: Option<&'a Classification>,
    ) -> &'a CredentialSettings {
        classification.map_or(&self.credentials, Classification::credentials)
    }
}

/// The one active definition among all: `no_active_definition` or `several_active_definitions` otherwise (seed:
/// "Only one active definition can exist at any point").
pub fn active_definition<'a>(
    definitions: impl IntoIterator<Item = &'a AccessTokenDefinition>,
) -> Result<&'a AccessTokenDefinition> {
    let mut active = definitions.into_iter().filter(|d| d.is_active());
    let first = active.next().ok_or_else(|| {
        Error::new(
            ErrorKind::NoActiveDefinition,
            "no access token definition is active: activate one before creating access tokens",
        )
    })?;
    if let Some(second) = active.next() {
        return Err(Error::new(
            ErrorKind::SeveralActiveDefinitions,
            format!(
                "the definitions '{}' and '{}' are both active; only one may be",
                first.name(),
                second.name()
            ),
        ));
    }
    Ok(first)
}
