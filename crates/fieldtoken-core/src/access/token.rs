//! The access token and its life cycle. The server loads a token ([`AccessToken::from_record`]), calls one
//! transition, and stores the result ([`AccessToken::to_record`]); a refused transition changes nothing.

use std::fmt;

use rand_core::CryptoRng;

use super::credentials::{
    self, DEFAULT_AUTO_ID_CHARS, DEFAULT_PASS_CODE_CHARS, Field, auto_number, generate,
};
use super::definition::{AccessTokenDefinition, Classification, CodeSource, CredentialSettings};
use super::{
    AccessTokenNumber, AccountsReceivableId, Actor, AuthenticationCode, ClassificationId,
    Identifier, PassCode, RewardsParticipantId, VerificationCode,
};
use crate::error::{Error, ErrorKind, Result};
use crate::ids::Timestamp;

/// The life cycle state of an access token. Only 'Effective' tokens authenticate.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LifeCycleState {
    /// The token can be used to sign in.
    Effective,
    /// The token cannot be used; it can be set 'Effective' again by hand, or deleted once unassociated.
    NotEffective,
    /// The token waits for its verification code; only verifying it makes it 'Effective'.
    PendingVerification,
}

impl LifeCycleState {
    /// Every state.
    pub const ALL: [LifeCycleState; 3] = [
        LifeCycleState::Effective,
        LifeCycleState::NotEffective,
        LifeCycleState::PendingVerification,
    ];

    /// The stable name: `effective`, `not_effective` or `pending_verification`.
    pub const fn as_str(self) -> &'static str {
        match self {
            LifeCycleState::Effective => "effective",
            LifeCycleState::NotEffective => "not_effective",
            LifeCycleState::PendingVerification => "pending_verification",
        }
    }

    /// The label people read: 'Effective', 'Not Effective', 'Pending Verification'.
    pub const fn label(self) -> &'static str {
        match self {
            LifeCycleState::Effective => "Effective",
            LifeCycleState::NotEffective => "Not Effective",
            LifeCycleState::PendingVerification => "Pending Verification",
        }
    }

    /// Reads a stable name; `bad_format` otherwise.
    pub fn parse(name: &str) -> Result<Self> {
        LifeCycleState::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::BadFormat,
                    format!("'{name}' is not a life cycle state (effective, not_effective, pending_verification)"),
                )
            })
    }
}

/// What the core needs to know of an accounts receivable: its id, its name (for messages) and whether it is
/// terminated. The server reads it from its store.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AccountsReceivable {
    /// The account.
    pub id: AccountsReceivableId,
    /// Its name, as people know it.
    pub name: String,
    /// Whether it is terminated.
    pub terminated: bool,
}

/// Names it for a person, with its id since names need not be unique: `accounts receivable 'Acme' (10)`.
impl fmt::Display for AccountsReceivable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "accounts receivable '{}' ({})", self.name, self.id)
    }
}

impl AccountsReceivable {
    /// A terminated accounts receivable takes no new links: no access token is linked to it and no rewards
    /// participant is created under it (the links it had stay, as the history does).
    pub fn ensure_takes_new_links(&self) -> Result<()> {
        if self.terminated {
            return Err(Error::new(
                ErrorKind::AccountsReceivableTerminated,
                format!(
                    "{self} is terminated: it takes no new access tokens or rewards participants"
                ),
            ));
        }
        Ok(())
    }
}

/// What the core needs to know of a rewards participant: its id, its name (for messages), the accounts receivable it
/// belongs to, and whether it is terminated. The server reads it from its store.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct RewardsParticipant {
    /// The participant.
    pub id: RewardsParticipantId,
    /// Its name, as people know it.
    pub name: String,
    /// The accounts receivable it belongs to.
    pub accounts_receivable: AccountsReceivable,
    /// Whether it is terminated.
    pub terminated: bool,
}

/// Names it for a person, with its id since names need not be unique: `rewards participant 'Ann' (20)`.
impl fmt::Display for RewardsParticipant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rewards participant '{}' ({})", self.name, self.id)
    }
}

impl RewardsParticipant {
    /// A terminated rewards participant takes no new links: no access token is created with it or linked to it (the
    /// links it had stay, as the history does). Nor does one whose accounts receivable is terminated: a token could
    /// otherwise join a terminated account through one of its participants, without naming the account.
    pub fn ensure_takes_new_links(&self) -> Result<()> {
        self.accounts_receivable.ensure_takes_new_links()?;
        if self.terminated {
            return Err(Error::new(
                ErrorKind::RewardsParticipantTerminated,
                format!("{self} is terminated: it takes no new access tokens"),
            ));
        }
        Ok(())
    }
}

/// Log information: who created and last changed the token, and when.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LogInformation {
    created_at: Timestamp,
    created_by: Actor,
    updated_at: Timestamp,
    updated_by: Actor,
}

impl LogInformation {
    /// When it was created.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }
    /// Who created it.
    pub fn created_by(&self) -> &Actor {
        &self.created_by
    }
    /// When it last changed.
    pub fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
    /// Who last changed it.
    pub fn updated_by(&self) -> &Actor {
        &self.updated_by
    }
}

/// Verification information: the code, and when and by whom the token was verified.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct VerificationInformation {
    code: Option<VerificationCode>,
    verified_on: Option<Timestamp>,
    verified_by: Option<Actor>,
}

impl VerificationInformation {
    /// The verification code: the one to type while 'Pending Verification', the one used once verified.
    pub fn code(&self) -> Option<&VerificationCode> {
        self.code.as_ref()
    }
    /// When the token was verified.
    pub fn verified_on(&self) -> Option<Timestamp> {
        self.verified_on
    }
    /// Who verified it.
    pub fn verified_by(&self) -> Option<&Actor> {
        self.verified_by.as_ref()
    }
}

/// The values typed on the "new access token" screen. `None` (or blank text) leaves a field empty; generated
/// fields must be left empty.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccessTokenForm<'a> {
    /// The authentication code, when the settings say it is typed.
    pub authentication_code: Option<&'a str>,
    /// The identifier, when the settings say it is typed.
    pub identifier: Option<&'a str>,
    /// The plain pass code, when the settings say it is typed.
    pub pass_code: Option<&'a str>,
    /// The accounts receivable to link: it must not be terminated.
    pub accounts_receivable: Option<&'a AccountsReceivable>,
    /// The rewards participant to link, with the account it belongs to: it must not be terminated.
    pub rewards_participant: Option<&'a RewardsParticipant>,
    /// The classification, whose format settings replace the definition's.
    pub classification: Option<&'a Classification>,
}

/// A token just created, with its plain pass code (typed or generated) for the server to hash and show once.
#[derive(Clone, Debug)]
pub struct NewAccessToken {
    /// The token.
    pub token: AccessToken,
    /// The plain pass code, when the token has one.
    pub pass_code: Option<PassCode>,
}

/// The changes of the "edit access token" screen, field by field: `None` leaves a field as it is. Locked fields may
/// be sent back unchanged (a form resends everything) but not changed.
#[derive(Clone, Copy, Debug, Default)]
pub struct AccessTokenEdit<'a> {
    /// A new authentication code (typed settings only).
    pub authentication_code: Option<&'a str>,
    /// A new identifier, or `Some(None)` to remove it (and with it the pass code).
    pub identifier: Option<Option<&'a str>>,
    /// A new plain pass code (typed settings only).
    pub pass_code: Option<&'a str>,
    /// The accounts receivable as the form shows it: locked once the token exists.
    pub accounts_receivable: Option<Option<AccountsReceivableId>>,
    /// The rewards participant as the form shows it: locked once the token exists.
    pub rewards_participant: Option<Option<RewardsParticipantId>>,
    /// The classification as the form shows it: set only at creation.
    pub classification: Option<Option<ClassificationId>>,
}

/// What an edit did to the pass code, for the server's stored hash.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PassCodeChange {
    /// Keep the stored hash.
    Keep,
    /// Hash and store this pass code.
    Set(PassCode),
    /// Drop the stored hash: the identifier was removed.
    Clear,
}

/// What an automatic step did to the life cycle state.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Automatic {
    /// The token was set 'Not Effective'.
    SetNotEffective,
    /// The state was kept, for this reason.
    Unchanged(KeptReason),
}

/// Why an automatic step kept the state.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum KeptReason {
    /// The active definition does not set tokens 'Not Effective' on removing the last association.
    DefinitionDisabled,
    /// The token is still associated with another accounts receivable or rewards participant.
    OtherAssociation,
    /// 'Pending Verification' is never switched to 'Not Effective'.
    PendingVerification,
    /// The token was 'Not Effective' already.
    AlreadyNotEffective,
}

/// An access token as a store keeps it: plain values, checked by [`AccessToken::from_record`]. The pass code is not
/// here: the server stores its hash beside the record, when `has_pass_code` is set.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AccessTokenRecord {
    /// The number.
    pub number: AccessTokenNumber,
    /// The authentication code.
    pub authentication_code: String,
    /// The identifier.
    pub identifier: Option<String>,
    /// Whether a pass code (hash) is stored.
    pub has_pass_code: bool,
    /// The life cycle state.
    pub state: LifeCycleState,
    /// The linked accounts receivable.
    pub accounts_receivable: Option<AccountsReceivableId>,
    /// The linked rewards participant.
    pub rewards_participant: Option<RewardsParticipantId>,
    /// The classification.
    pub classification: Option<ClassificationId>,
    /// Log information: created at.
    pub created_at: Timestamp,
    /// Log information: created by.
    pub created_by: String,
    /// Log information: updated at.
    pub updated_at: Timestamp,
    /// Log information: updated by.
    pub updated_by: String,
    /// Verification information: the code.
    pub verification_code: Option<String>,
    /// Verification information: verified on.
    pub verified_on: Option<Timestamp>,
    /// Verification information: verified by.
    pub verified_by: Option<String>,
}

/// An access token: the credentials of one operator and its life cycle. Every change goes through a method that
/// checks the seed's restrictions first and changes nothing when it refuses.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AccessToken {
    number: AccessTokenNumber,
    authentication_code: AuthenticationCode,
    identifier: Option<Identifier>,
    has_pass_code: bool,
    state: LifeCycleState,
    accounts_receivable: Option<AccountsReceivableId>,
    rewards_participant: Option<RewardsParticipantId>,
    classification: Option<ClassificationId>,
    log: LogInformation,
    verification: VerificationInformation,
}

fn blank_to_none(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

fn read_only(field: Field) -> Error {
    Error::new(
        ErrorKind::ReadOnlyField,
        format!(
            "the {} is generated by the system and cannot be typed",
            field.label()
        ),
    )
}

/// A typed or generated identifier or authentication code under `source`; `None` when typed and left blank.
fn make_code<R: CryptoRng + ?Sized>(
    field: Field,
    settings: &super::FieldSettings,
    typed: Option<&str>,
    number: AccessTokenNumber,
    rng: &mut R,
) -> Result<Option<String>> {
    match settings.source {
        CodeSource::AutoNumber | CodeSource::AutoId if typed.is_some() => Err(read_only(field)),
        CodeSource::AutoNumber => Ok(Some(auto_number(number, &settings.rules))),
        CodeSource::AutoId => Ok(Some(generate(&settings.rules, DEFAULT_AUTO_ID_CHARS, rng))),
        CodeSource::Entered(format) => typed
            .map(|t| {
                credentials::check(field, t, Some(format), &settings.rules).map(|()| t.to_string())
            })
            .transpose(),
    }
}

/// A typed pass code, checked; pass codes are taken as typed (spaces included), only empty means none.
fn typed_pass_code(settings: &CredentialSettings, typed: Option<&str>) -> Result<Option<PassCode>> {
    match typed.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(_) if settings.pass_code().generated => Err(read_only(Field::PassCode)),
        Some(t) => {
            credentials::check(Field::PassCode, t, None, &settings.pass_code().rules)?;
            Ok(Some(PassCode::checked(t.to_string())))
        }
    }
}

fn generated_pass_code<R: CryptoRng + ?Sized>(
    settings: &CredentialSettings,
    rng: &mut R,
) -> PassCode {
    PassCode::checked(generate(
        &settings.pass_code().rules,
        DEFAULT_PASS_CODE_CHARS,
        rng,
    ))
}

/// Whether a token with (or without) an identifier must have a pass code under these settings.
fn pass_code_needed(
    definition: &AccessTokenDefinition,
    settings: &CredentialSettings,
    has_identifier: bool,
) -> bool {
    has_identifier
        || settings.pass_code().mandatory
        || !definition.allow_without_identifier_and_pass_code()
}

/// Seed 002, Save/Edit: "Mandatory Fields as defined in the" definition; and an identifier goes with a pass code.
fn check_presence(
    definition: &AccessTokenDefinition,
    settings: &CredentialSettings,
    has_identifier: bool,
    has_pass_code: bool,
) -> Result<()> {
    if !has_identifier {
        if has_pass_code {
            return Err(Error::new(
                ErrorKind::IdentifierRequired,
                "a pass code needs an identifier to go with it",
            ));
        }
        if settings.identifier().mandatory || !definition.allow_without_identifier_and_pass_code() {
            return Err(Error::new(
                ErrorKind::IdentifierRequired,
                "the access token definition makes the identifier mandatory",
            ));
        }
    }
    if !has_pass_code && pass_code_needed(definition, settings, has_identifier) {
        return Err(Error::new(
            ErrorKind::PassCodeRequired,
            if has_identifier {
                "an access token with an identifier needs a pass code"
            } else {
                "the access token definition makes the pass code mandatory"
            },
        ));
    }
    Ok(())
}

/// The participant belongs to another account than the one it would be linked with.
fn other_account(participant: &RewardsParticipant, account: &AccountsReceivable) -> Error {
    Error::new(
        ErrorKind::ParticipantOtherAccount,
        format!(
            "{participant} belongs to {}, not to {account}",
            participant.accounts_receivable
        ),
    )
}

impl AccessToken {
    /// Creates a token under the active definition (seed 002, Create/Save): the typed fields are checked against
    /// the format settings (the classification's when one is given), generated fields are made, mandatory fields
    /// must be there, neither party given may be terminated, and a rewards participant must belong to the accounts
    /// receivable when both are given. The token starts 'Effective', or 'Pending Verification' with a verification
    /// code when the definition requires verification.
    pub fn create<R: CryptoRng + ?Sized>(
        number: AccessTokenNumber,
        form: &AccessTokenForm<'_>,
        definition: &AccessTokenDefinition,
        by: &Actor,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<NewAccessToken> {
        let settings = definition.credentials_for(form.classification);
        let authentication_code = make_code(
            Field::AuthenticationCode,
            settings.authentication_code(),
            blank_to_none(form.authentication_code),
            number,
            rng,
        )?
        .ok_or_else(|| {
            Error::new(
                ErrorKind::AuthenticationCodeRequired,
                "the access token needs an authentication code",
            )
        })?;
        let identifier = make_code(
            Field::Identifier,
            settings.identifier(),
            blank_to_none(form.identifier),
            number,
            rng,
        )?;
        let mut pass_code = typed_pass_code(settings, form.pass_code)?;
        if pass_code.is_none()
            && settings.pass_code().generated
            && pass_code_needed(definition, settings, identifier.is_some())
        {
            pass_code = Some(generated_pass_code(settings, rng));
        }
        check_presence(
            definition,
            settings,
            identifier.is_some(),
            pass_code.is_some(),
        )?;
        if let Some(account) = form.accounts_receivable {
            account.ensure_takes_new_links()?;
        }
        if let Some(participant) = form.rewards_participant {
            participant.ensure_takes_new_links()?;
        }
        if let (Some(account), Some(participant)) =
            (form.accounts_receivable, form.rewards_participant)
            && participant.accounts_receivable.id != account.id
        {
            return Err(other_account(participant, account));
        }
        let (state, code) = if definition.requires_verification() {
            (
                LifeCycleState::PendingVerification,
                Some(VerificationCode::generate(rng)),
            )
        } else {
            (LifeCycleState::Effective, None)
        };
        let token = AccessToken {
            number,
            authentication_code: AuthenticationCode::checked(authentication_code),
            identifier: identifier.map(Identifier::checked),
            has_pass_code: pass_code.is_some(),
            state,
            accounts_receivable: form.accounts_receivable.map(|a| a.id),
            rewards_participant: form.rewards_participant.map(|p| p.id),
            classification: form.classification.map(Classification::id),
            log: LogInformation {
                created_at: now,
                created_by: by.clone(),
                updated_at: now,
                updated_by: by.clone(),
            },
            verification: VerificationInformation {
                code,
                verified_on: None,
                verified_by: None,
            },
        };
        Ok(NewAccessToken { token, pass_code })
    }

    /// A token as loaded from a store. Formats are not checked again (the definition may have changed since), only
    /// what every token holds: plain texts, a pass code only with an identifier, a verification code while
    /// 'Pending Verification', and "verified on" together with "verified by".
    pub fn from_record(record: AccessTokenRecord) -> Result<Self> {
        let bad = |message: &str| Error::new(ErrorKind::BadFormat, message.to_string());
        if record.has_pass_code && record.identifier.is_none() {
            return Err(bad(
                "a stored access token has a pass code but no identifier",
            ));
        }
        if record.state == LifeCycleState::PendingVerification && record.verification_code.is_none()
        {
            return Err(bad(
                "a stored access token is pending verification without a verification code",
            ));
        }
        if record.verified_on.is_some() != record.verified_by.is_some() {
            return Err(bad(
                "a stored access token has only one of 'verified on' and 'verified by'",
            ));
        }
        Ok(AccessToken {
            number: record.number,
            authentication_code: AuthenticationCode::from_stored(&record.authentication_code)?,
            identifier: record
                .identifier
                .as_deref()
                .map(Identifier::from_stored)
                .transpose()?,
            has_pass_code: record.has_pass_code,
            state: record.state,
            accounts_receivable: record.accounts_receivable,
            rewards_participant: record.rewards_participant,
            classification: record.classification,
            log: LogInformation {
                created_at: record.created_at,
                created_by: Actor::new(&record.created_by)?,
                updated_at: record.updated_at,
                updated_by: Actor::new(&record.updated_by)?,
            },
            verification: VerificationInformation {
                code: record
                    .verification_code
                    .as_deref()
                    .map(VerificationCode::from_stored)
                    .transpose()?,
                verified_on: record.verified_on,
                verified_by: record.verified_by.as_deref().map(Actor::new).transpose()?,
            },
        })
    }

    /// The token as a store keeps it.
    pub fn to_record(&self) -> AccessTokenRecord {
        AccessTokenRecord {
            number: self.number,
            authentication_code: self.authentication_code.as_str().to_string(),
            identifier: self.identifier.as_ref().map(|i| i.as_str().to_string()),
            has_pass_code: self.has_pass_code,
            state: self.state,
            accounts_receivable: self.accounts_receivable,
            rewards_participant: self.rewards_participant,
            classification: self.classification,
            created_at: self.log.created_at,
            created_by: self.log.created_by.as_str().to_string(),
            updated_at: self.log.updated_at,
            updated_by: self.log.updated_by.as_str().to_string(),
            verification_code: self
                .verification
                .code
                .as_ref()
                .map(|c| c.as_str().to_string()),
            verified_on: self.verification.verified_on,
            verified_by: self
                .verification
                .verified_by
                .as_ref()
                .map(|a| a.as_str().to_string()),
        }
    }

    /// The number.
    pub fn number(&self) -> AccessTokenNumber {
        self.number
    }
    /// The authentication code.
    pub fn authentication_code(&self) -> &AuthenticationCode {
        &self.authentication_code
    }
    /// The identifier.
    pub fn identifier(&self) -> Option<&Identifier> {
        self.identifier.as_ref()
    }
    /// Whether the token has a pass code (its hash is the server's).
    pub fn has_pass_code(&self) -> bool {
        self.has_pass_code
    }
    /// The life cycle state.
    pub fn state(&self) -> LifeCycleState {
        self.state
    }
    /// The linked accounts receivable.
    pub fn accounts_receivable(&self) -> Option<AccountsReceivableId> {
        self.accounts_receivable
    }
    /// The linked rewards participant.
    pub fn rewards_participant(&self) -> Option<RewardsParticipantId> {
        self.rewards_participant
    }
    /// The classification.
    pub fn classification(&self) -> Option<ClassificationId> {
        self.classification
    }
    /// Who created and last changed it, and when.
    pub fn log(&self) -> &LogInformation {
        &self.log
    }
    /// The verification code, and when and by whom it was verified.
    pub fn verification(&self) -> &VerificationInformation {
        &self.verification
    }
    /// Whether an accounts receivable or a rewards participant is linked.
    pub fn is_associated(&self) -> bool {
        self.accounts_receivable.is_some() || self.rewards_participant.is_some()
    }

    fn touch(&mut self, by: &Actor, now: Timestamp) {
        self.log.updated_at = now;
        self.log.updated_by = by.clone();
    }

    /// The format settings of this token: the classification given must be the token's own.
    fn settings<'a>(
        &self,
        definition: &'a AccessTokenDefinition,
        classification: Option<&'a Classification>,
    ) -> Result<&'a CredentialSettings> {
        if self.classification != classification.map(Classification::id) {
            return Err(Error::new(
                ErrorKind::ClassificationMismatch,
                match self.classification {
                    Some(id) => format!("access token {} has classification {id}", self.number),
                    None => format!("access token {} has no classification", self.number),
                },
            ));
        }
        Ok(definition.credentials_for(classification))
    }

    /// Whether this token may sign in with its authentication code alone (issue 18): only a token with neither
    /// identifier nor pass code, only while the active `definition` allows tokens without them, and never when its
    /// authentication code is auto-numbered (the token's number, zero-padded: anyone can count). Anything else signs
    /// in with identifier and pass code.
    pub fn may_sign_in_with_code_alone(
        &self,
        definition: &AccessTokenDefinition,
        classification: Option<&Classification>,
    ) -> Result<bool> {
        let settings = self.settings(definition, classification)?;
        Ok(self.identifier.is_none()
            && !self.has_pass_code
            && definition.allow_without_identifier_and_pass_code()
            && settings.authentication_code().source != CodeSource::AutoNumber)
    }

    /// Seed 002, Attributes, Life Cycle State: "Only 'Effective' Access Tokens can be used to access the System."
    /// `Ok` for an 'Effective' token; a clear error for the others. (The server checks the pass code's hash.)
    pub fn authenticate(&self) -> Result<()> {
        match self.state {
            LifeCycleState::Effective => Ok(()),
            LifeCycleState::NotEffective => Err(Error::new(
                ErrorKind::AccessTokenNotEffective,
                "this access token is 'Not Effective': ask an administrator to set it 'Effective'",
            )),
            LifeCycleState::PendingVerification => Err(Error::new(
                ErrorKind::AccessTokenPendingVerification,
                "this access token is 'Pending Verification': verify it with its verification code first",
            )),
        }
    }

    /// Edits a token from the access token screen (seed 002, Edit): the accounts receivable, the rewards
    /// participant and the classification cannot change; typed fields are checked against the format settings;
    /// mandatory fields stay mandatory. `classification` is the token's own (needed for its settings). Returns what
    /// to do with the stored pass code hash.
    pub fn edit<R: CryptoRng + ?Sized>(
        &mut self,
        changes: &AccessTokenEdit<'_>,
        definition: &AccessTokenDefinition,
        classification: Option<&Classification>,
        by: &Actor,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<PassCodeChange> {
        if changes
            .classification
            .is_some_and(|wanted| wanted != self.classification)
        {
            return Err(Error::new(
                ErrorKind::ClassificationLocked,
                "the classification of an access token is set only when creating it",
            ));
        }
        let locked = |what: &str| {
            Error::new(
                ErrorKind::AssociationLocked,
                format!(
                    "the {what} of an access token cannot be changed once set; remove the token from the {what}'s \
                     screen instead"
                ),
            )
        };
        if changes
            .accounts_receivable
            .is_some_and(|wanted| wanted != self.accounts_receivable)
        {
            return Err(locked("accounts receivable"));
        }
        if changes
            .rewards_participant
            .is_some_and(|wanted| wanted != self.rewards_participant)
        {
            return Err(locked("rewards participant"));
        }
        let settings = self.settings(definition, classification)?;

        let authentication_code = match blank_to_none(changes.authentication_code) {
            None if changes.authentication_code.is_some() => {
                return Err(Error::new(
                    ErrorKind::AuthenticationCodeRequired,
                    "the access token needs an authentication code",
                ));
            }
            None => self.authentication_code.clone(),
            Some(t) if t == self.authentication_code.as_str() => self.authentication_code.clone(),
            Some(_) if settings.authentication_code().source.is_generated() => {
                return Err(read_only(Field::AuthenticationCode));
            }
            Some(t) => {
                credentials::check(
                    Field::AuthenticationCode,
                    t,
                    settings.authentication_code().source.format(),
                    &settings.authentication_code().rules,
                )?;
                AuthenticationCode::checked(t.to_string())
            }
        };
        let identifier = match changes.identifier.map(blank_to_none) {
            None => self.identifier.clone(),
            Some(t) if t == self.identifier.as_ref().map(Identifier::as_str) => {
                self.identifier.clone()
            }
            Some(_) if settings.identifier().source.is_generated() => {
                return Err(read_only(Field::Identifier));
            }
            Some(None) => None,
            Some(Some(t)) => {
                credentials::check(
                    Field::Identifier,
                    t,
                    settings.identifier().source.format(),
                    &settings.identifier().rules,
                )?;
                Some(Identifier::checked(t.to_string()))
            }
        };
        let mut new_pass_code = typed_pass_code(settings, changes.pass_code)?;
        let kept_pass_code = identifier.is_some() && self.has_pass_code;
        if new_pass_code.is_none()
            && !kept_pass_code
            && settings.pass_code().generated
            && pass_code_needed(definition, settings, identifier.is_some())
        {
            new_pass_code = Some(generated_pass_code(settings, rng));
        }
        let has_pass_code = new_pass_code.is_some() || kept_pass_code;
        check_presence(definition, settings, identifier.is_some(), has_pass_code)?;

        let change = match new_pass_code {
            Some(p) => PassCodeChange::Set(p),
            None if self.has_pass_code && !has_pass_code => PassCodeChange::Clear,
            None => PassCodeChange::Keep,
        };
        self.authentication_code = authentication_code;
        self.identifier = identifier;
        self.has_pass_code = has_pass_code;
        self.touch(by, now);
        Ok(change)
    }

    /// Seed 002, Delete: "Access Token is in a 'Not Effective' Life Cycle State" and "Access Token is not
    /// associated with a Rewards Participant or an Accounts Receivable". `Ok` when the server may delete it.
    pub fn ensure_deletable(&self) -> Result<()> {
        if self.state != LifeCycleState::NotEffective {
            return Err(Error::new(
                ErrorKind::DeleteNeedsNotEffective,
                format!(
                    "only a 'Not Effective' access token can be deleted; this one is '{}'",
                    self.state.label()
                ),
            ));
        }
        if self.is_associated() {
            return Err(Error::new(
                ErrorKind::DeleteNeedsUnassociated,
                "this access token is still linked to an accounts receivable or a rewards participant; remove \
                 it from there first",
            ));
        }
        Ok(())
    }

    fn ensure_not_pending(&self, target: LifeCycleState) -> Result<()> {
        if self.state == LifeCycleState::PendingVerification {
            return Err(Error::new(
                ErrorKind::PendingVerificationLocked,
                format!(
                    "a 'Pending Verification' access token cannot be set '{}' by hand; verify it instead",
                    target.label()
                ),
            ));
        }
        Ok(())
    }

    /// Manually SET AS 'NOT EFFECTIVE' (seed 002): the token must be 'Effective', and not related to a rewards
    /// participant that is not terminated (Edit row). `participant` is the linked participant as the store holds
    /// it; it must be given when the token has one.
    pub fn set_not_effective(
        &mut self,
        participant: Option<&RewardsParticipant>,
        by: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        self.ensure_not_pending(LifeCycleState::NotEffective)?;
        if self.state != LifeCycleState::Effective {
            return Err(Error::new(
                ErrorKind::SetNotEffectiveNeedsEffective,
                "only an 'Effective' access token can be set 'Not Effective'; this one already is",
            ));
        }
        if let Some(linked) = self.rewards_participant {
            let participant = participant.filter(|p| p.id == linked).ok_or_else(|| {
                Error::new(
                    ErrorKind::NotAssociated,
                    format!(
                        "access token {} is linked to rewards participant {linked}",
                        self.number
                    ),
                )
            })?;
            if !participant.terminated {
                return Err(Error::new(
                    ErrorKind::ParticipantNotTerminated,
                    format!(
                        "this access token is linked to {participant}, which is not terminated; it cannot be set \
                         'Not Effective'"
                    ),
                ));
            }
        }
        self.state = LifeCycleState::NotEffective;
        self.touch(by, now);
        Ok(())
    }

    /// Manually SET AS 'EFFECTIVE' (seed 002): the token must be 'Not Effective'.
    pub fn set_effective(&mut self, by: &Actor, now: Timestamp) -> Result<()> {
        self.ensure_not_pending(LifeCycleState::Effective)?;
        if self.state != LifeCycleState::NotEffective {
            return Err(Error::new(
                ErrorKind::SetEffectiveNeedsNotEffective,
                "only a 'Not Effective' access token can be set 'Effective'; this one already is",
            ));
        }
        self.state = LifeCycleState::Effective;
        self.touch(by, now);
        Ok(())
    }

    /// Automatically SET AS 'NOT EFFECTIVE' (seed 002), after an association was removed or terminated: only when
    /// the definition says so, no other association is left, and the token is 'Effective'.
    fn automatic_not_effective(
        &mut self,
        definition: &AccessTokenDefinition,
        other_association: bool,
    ) -> Automatic {
        let kept = if !definition.not_effective_on_last_removal() {
            KeptReason::DefinitionDisabled
        } else if other_association {
            KeptReason::OtherAssociation
        } else {
            match self.state {
                LifeCycleState::Effective => {
                    self.state = LifeCycleState::NotEffective;
                    return Automatic::SetNotEffective;
                }
                LifeCycleState::PendingVerification => KeptReason::PendingVerification,
                LifeCycleState::NotEffective => KeptReason::AlreadyNotEffective,
            }
        };
        Automatic::Unchanged(kept)
    }

    fn not_associated(&self, party: &dyn fmt::Display) -> Error {
        Error::new(
            ErrorKind::NotAssociated,
            format!("access token {} is not linked to {party}", self.number),
        )
    }

    /// Removes the token from its accounts receivable (from the accounts receivable's screen), then applies the
    /// automatic 'Not Effective' of the active definition.
    pub fn remove_from_accounts_receivable(
        &mut self,
        account: &AccountsReceivable,
        definition: &AccessTokenDefinition,
        by: &Actor,
        now: Timestamp,
    ) -> Result<Automatic> {
        if self.accounts_receivable != Some(account.id) {
            return Err(self.not_associated(account));
        }
        self.accounts_receivable = None;
        let other = self.rewards_participant.is_some();
        let outcome = self.automatic_not_effective(definition, other);
        self.touch(by, now);
        Ok(outcome)
    }

    /// Removes the token from its rewards participant (from the participant's screen), then applies the automatic
    /// 'Not Effective' of the active definition.
    pub fn remove_from_rewards_participant(
        &mut self,
        participant: &RewardsParticipant,
        definition: &AccessTokenDefinition,
        by: &Actor,
        now: Timestamp,
    ) -> Result<Automatic> {
        if self.rewards_participant != Some(participant.id) {
            return Err(self.not_associated(participant));
        }
        self.rewards_participant = None;
        let other = self.accounts_receivable.is_some();
        let outcome = self.automatic_not_effective(definition, other);
        self.touch(by, now);
        Ok(outcome)
    }

    /// The token's accounts receivable was terminated: the link stays (the history does), and the automatic 'Not
    /// Effective' of the active definition applies when no rewards participant is linked.
    pub fn accounts_receivable_terminated(
        &mut self,
        account: &AccountsReceivable,
        definition: &AccessTokenDefinition,
        by: &Actor,
        now: Timestamp,
    ) -> Result<Automatic> {
        if self.accounts_receivable != Some(account.id) {
            return Err(self.not_associated(account));
        }
        let other = self.rewards_participant.is_some();
        let outcome = self.automatic_not_effective(definition, other);
        if outcome == Automatic::SetNotEffective {
            self.touch(by, now);
        }
        Ok(outcome)
    }

    /// Links the token to an accounts receivable, from the accounts receivable's screen (the token's own screen
    /// cannot): only when it has none, the account is not terminated, and the token's rewards participant, if any,
    /// belongs to that account.
    pub fn attach_to_accounts_receivable(
        &mut self,
        account: &AccountsReceivable,
        participant: Option<&RewardsParticipant>,
        by: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        if let Some(current) = self.accounts_receivable {
            return Err(Error::new(
                ErrorKind::AlreadyAssociated,
                format!(
                    "access token {} is already linked to accounts receivable {current}",
                    self.number
                ),
            ));
        }
        account.ensure_takes_new_links()?;
        if let Some(linked) = self.rewards_participant {
            let participant = participant.filter(|p| p.id == linked).ok_or_else(|| {
                Error::new(
                    ErrorKind::NotAssociated,
                    format!(
                        "access token {} is linked to rewards participant {linked}",
                        self.number
                    ),
                )
            })?;
            if participant.accounts_receivable.id != account.id {
                return Err(other_account(participant, account));
            }
        }
        self.accounts_receivable = Some(account.id);
        self.touch(by, now);
        Ok(())
    }

    /// Links the token to a rewards participant, from the participant's screen: only when it has none, the
    /// participant is not terminated, and it belongs to the token's accounts receivable, if any. `account` is that
    /// accounts receivable as the store holds it (`None` when the token has none).
    pub fn attach_to_rewards_participant(
        &mut self,
        participant: &RewardsParticipant,
        account: Option<&AccountsReceivable>,
        by: &Actor,
        now: Timestamp,
    ) -> Result<()> {
        if let Some(current) = self.rewards_participant {
            return Err(Error::new(
                ErrorKind::AlreadyAssociated,
                format!(
                    "access token {} is already linked to rewards participant {current}",
                    self.number
                ),
            ));
        }
        participant.ensure_takes_new_links()?;
        if let Some(linked) = self.accounts_receivable {
            let account = account.filter(|a| a.id == linked).ok_or_else(|| {
                Error::new(
                    ErrorKind::NotAssociated,
                    format!(
                        "access token {} is linked to accounts receivable {linked}",
                        self.number
                    ),
                )
            })?;
            if participant.accounts_receivable.id != account.id {
                return Err(other_account(participant, account));
            }
        }
        self.rewards_participant = Some(participant.id);
        self.touch(by, now);
        Ok(())
    }

    /// Reset Pass Code (seed 002): only while 'Effective'. Returns a new generated pass code that meets the format
    /// settings, for the server to hash and show once. The token must have an identifier: a pass code alone is
    /// never asked for.
    pub fn reset_pass_code<R: CryptoRng + ?Sized>(
        &mut self,
        definition: &AccessTokenDefinition,
        classification: Option<&Classification>,
        by: &Actor,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<PassCode> {
        if self.state != LifeCycleState::Effective {
            return Err(Error::new(
                ErrorKind::ResetPassCodeNeedsEffective,
                format!(
                    "the pass code can be reset only while the access token is 'Effective'; this one is '{}'",
                    self.state.label()
                ),
            ));
        }
        let settings = self.settings(definition, classification)?;
        if self.identifier.is_none() {
            return Err(Error::new(
                ErrorKind::IdentifierRequired,
                "this access token has no identifier, so it has no pass code to reset",
            ));
        }
        let pass_code = generated_pass_code(settings, rng);
        self.has_pass_code = true;
        self.touch(by, now);
        Ok(pass_code)
    }

    /// Reset Verification Code (seed 002, R12): only while 'Pending Verification'. Returns the new code to send.
    pub fn reset_verification_code<R: CryptoRng + ?Sized>(
        &mut self,
        by: &Actor,
        now: Timestamp,
        rng: &mut R,
    ) -> Result<&VerificationCode> {
        if self.state != LifeCycleState::PendingVerification {
            return Err(Error::new(
                ErrorKind::ResetVerificationNeedsPending,
                format!(
                    "the verification code can be reset only while the access token is 'Pending Verification'; \
                     this one is '{}'",
                    self.state.label()
                ),
            ));
        }
        self.touch(by, now);
        Ok(self
            .verification
            .code
            .insert(VerificationCode::generate(rng)))
    }

    /// Verifies a 'Pending Verification' token with its code: it becomes 'Effective', and the verification
    /// information records when and by whom. The only way out of 'Pending Verification'.
    pub fn verify(&mut self, code: &str, by: &Actor, now: Timestamp) -> Result<()> {
        if self.state != LifeCycleState::PendingVerification {
            return Err(Error::new(
                ErrorKind::VerifyNeedsPending,
                format!(
                    "only a 'Pending Verification' access token can be verified; this one is '{}'",
                    self.state.label()
                ),
            ));
        }
        if !self
            .verification
            .code
            .as_ref()
            .is_some_and(|c| c.matches(code))
        {
            return Err(Error::new(
                ErrorKind::WrongVerificationCode,
                "the verification code is not this access token's; check it, or reset it to get a new one",
            ));
        }
        self.state = LifeCycleState::Effective;
        self.verification.verified_on = Some(now);
        self.verification.verified_by = Some(by.clone());
        self.touch(by, now);
        Ok(())
    }
}
