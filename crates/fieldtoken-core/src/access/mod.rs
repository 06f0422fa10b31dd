//! Access tokens: the credentials operators identify and authenticate themselves with, after the CRM.COM model
//! (seed 002, "Managing Access Tokens"). This module owns the token's attributes, its life cycle, the active
//! definition with its classifications and their format settings, and every restriction of the seed. It stores no
//! plain pass code and hashes nothing: a pass code is checked against the format rules and handed back once, for the
//! server to hash (argon2) and to show or send.
//!
//! # Rules, row by row
//!
//! | seed 002 row | rule here | error code |
//! |---|---|---|
//! | Edit: not 'Not Effective' while related to a Rewards Participant that is 'Not Terminated' | [`AccessToken::set_not_effective`] | `participant_not_terminated` |
//! | Edit: Rewards Participant or Accounts Receivable cannot be removed/updated once set (via Access Token screens) | [`AccessToken::edit`] | `association_locked` |
//! | Edit / Save: mandatory fields as defined in the definition | [`AccessToken::create`], [`AccessToken::edit`] | `identifier_required`, `pass_code_required`, `authentication_code_required` |
//! | Delete: the token is 'Not Effective' | [`AccessToken::ensure_deletable`] | `delete_needs_not_effective` |
//! | Delete: not associated with a Rewards Participant or an Accounts Receivable | [`AccessToken::ensure_deletable`] | `delete_needs_unassociated` |
//! | Manually SET AS 'NOT EFFECTIVE': Life Cycle State = 'Effective' | [`AccessToken::set_not_effective`] | `set_not_effective_needs_effective` |
//! | Manually SET AS 'EFFECTIVE': Life Cycle State = 'Not Effective' | [`AccessToken::set_effective`] | `set_effective_needs_not_effective` |
//! | 'Pending Verification' cannot be switched to 'Effective' or 'Not Effective' | both manual transitions | `pending_verification_locked` |
//! | Automatically SET AS 'NOT EFFECTIVE': on removing from an Accounts Receivable, from a Rewards Participant, on terminating an Accounts Receivable, if the active definition says so and no other association is left | [`AccessToken::remove_from_accounts_receivable`], [`AccessToken::remove_from_rewards_participant`], [`AccessToken::accounts_receivable_terminated`] | (never fails for the rule; [`Automatic`] says what happened) |
//! | Automatically SET AS EFFECTIVE: on creating a new Access Token | [`AccessToken::create`] | |
//! | Reset Pass Code: Life Cycle State = 'Effective' | [`AccessToken::reset_pass_code`] | `reset_pass_code_needs_effective` |
//! | Reset Verification Code (R12): the token is 'Pending Verification' | [`AccessToken::reset_verification_code`] | `reset_verification_needs_pending` |
//! | Attributes, Life Cycle State: "Only 'Effective' Access Tokens can be used to access the System" | [`AccessToken::authenticate`] | `access_token_not_effective`, `access_token_pending_verification` |
//! | Attributes, Authentication Code*, Identifier, Pass Code: read-only or the format of the definition; a classification's settings win | [`CredentialSettings`], [`AccessTokenDefinition::credentials_for`] | `bad_authentication_code`, `bad_identifier`, `bad_pass_code`, `read_only_field` |
//! | Attributes, Accounts Receivable / Rewards Participant: editable only when creating; the participant must be related with that account | [`AccessToken::create`] | `participant_other_account` |
//! | (decision) A terminated Accounts Receivable takes no new links: no token is linked to it, none created with it, no rewards participant created under it | [`AccountsReceivable::ensure_takes_new_links`], [`AccessToken::create`], [`AccessToken::attach_to_accounts_receivable`] | `accounts_receivable_terminated` |
//! | (decision) A terminated Rewards Participant, or one of a terminated Accounts Receivable, takes no new links: no token is linked to it, none created with it | [`RewardsParticipant::ensure_takes_new_links`], [`AccessToken::create`], [`AccessToken::attach_to_rewards_participant`] | `rewards_participant_terminated`, `accounts_receivable_terminated` |
//! | Attributes, Classifications: editable only while creating | [`AccessToken::edit`] | `classification_locked` |
//! | Attributes, Verification Information: verified on, by, code | [`AccessToken::verify`] | `verify_needs_pending`, `wrong_verification_code` |
//!
//! # Decisions where the seed is silent
//!
//! - A new token is 'Effective' (seed), unless the active definition [requires
//!   verification](AccessTokenDefinition::requires_verification): then it is 'Pending Verification' with a fresh
//!   verification code, and only [`AccessToken::verify`] with that code makes it 'Effective'. Nothing else ever
//!   moves a token out of 'Pending Verification' (the automatic 'Not Effective' leaves it alone too).
//! - The seed's "R9 only" rules (manual 'Not Effective' only when unassociated) are not applied; the "no other
//!   association left" condition of the automatic 'Not Effective' is, as the product design asks.
//! - Terminating an accounts receivable keeps the link (the history stays); removing it is a separate step.
//! - A terminated accounts receivable takes no new links. The seed ends an account's tokens when it is terminated
//!   ("On Terminating Accounts Receivable" they go 'Not Effective'); letting new ones in afterwards would undo that.
//! - A terminated rewards participant takes no new links either. The seed shields a participant's tokens from
//!   'Not Effective' only while it is 'Not Terminated' (Edit row), so termination is where they may end; linking a
//!   new one afterwards would hand a live credential to a party that has ended. A participant of a terminated
//!   accounts receivable takes none either, or a token could join the terminated account through it.
//! - An identifier needs a pass code and a pass code needs an identifier (the CRM.COM glossary: "If an Identifier is
//!   used then the Pass Code is mandatory"). "Allow tokens with no identifier and pass code" off makes both
//!   mandatory; each field's own mandatory flag adds to that. The authentication code is always there (seed: `*`).
//! - A pass code reset needs an identifier too, since a pass code alone is never asked for.
//! - Letters are alphabetic characters of any script, digits are `0`-`9`, special characters are all the others;
//!   control characters are refused everywhere; texts hold at most [`MAX_CREDENTIAL_CHARS`] characters.
//! - An auto-number code is the token's number, zero-padded to the minimum length; an auto id is random. Generated
//!   values (auto ids, pass codes) always meet the format rules they were generated for.
//! - Verification codes are 8 random digits, kept in the token as the seed's Verification Information shows them;
//!   the server limits attempts. Uniqueness of identifiers and authentication codes is the store's job.

mod credentials;
mod definition;
mod token;

use std::fmt;

use crate::error::{Error, ErrorKind, Result};
use crate::ids::id_type;

pub use credentials::{
    AuthenticationCode, Identifier, MAX_CREDENTIAL_CHARS, PassCode, VERIFICATION_CODE_DIGITS,
    VerificationCode,
};
pub use definition::{
    AccessTokenDefinition, CharacterRules, Classification, CodeSource, CredentialSettings,
    FieldSettings, PassCodeSettings, TextFormat, active_definition,
};
pub use token::{
    AccessToken, AccessTokenEdit, AccessTokenForm, AccessTokenRecord, AccountsReceivable,
    Automatic, KeptReason, LifeCycleState, LogInformation, NewAccessToken, PassCodeChange,
    RewardsParticipant, VerificationInformation,
};

id_type!(
    /// The number of an access token: unique, assigned by the store when the token is created (seed: "An
    /// auto-generated number that uniquely identifies each Access Token").
    AccessTokenNumber,
    "access token number"
);
id_type!(
    /// An accounts receivable: the financial account a customer (here: an operator's employer) is known by.
    AccountsReceivableId,
    "accounts receivable id"
);
id_type!(
    /// A rewards participant.
    RewardsParticipantId,
    "rewards participant id"
);
id_type!(
    /// A classification of access tokens.
    ClassificationId,
    "classification id"
);
id_type!(
    /// An access token definition.
    AccessTokenDefinitionId,
    "access token definition id"
);

/// The most characters an [`Actor`] may have.
pub const MAX_ACTOR_CHARS: usize = 100;

/// Who made a change, as the log and verification information record it: a user, an API token, an operator, or
/// the system. The server chooses the wording (e.g. `user:12`); the core only keeps it readable.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Actor(String);

impl Actor {
    /// Checks and trims a name: 1 to 100 characters, no control characters.
    pub fn new(name: &str) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::new(
                ErrorKind::BadActor,
                "who made the change must be named",
            ));
        }
        if name.chars().count() > MAX_ACTOR_CHARS {
            return Err(Error::new(
                ErrorKind::BadActor,
                format!(
                    "the name of who made the change has more than {MAX_ACTOR_CHARS} characters"
                ),
            ));
        }
        if let Some(pos) = name.chars().position(char::is_control) {
            return Err(Error::at(
                ErrorKind::BadActor,
                pos + 1,
                "the name of who made the change holds a control character",
            ));
        }
        Ok(Actor(name.to_string()))
    }

    /// The system itself, for changes no person asked for.
    pub fn system() -> Self {
        Actor("system".to_string())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
