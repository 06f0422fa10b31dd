//! Access tokens, from seed 002 ("Managing Access Tokens"): one case per row of its Validations & Restrictions table
//! and per rule of its Attributes table, all through `check`; then properties of generated values and of any
//! sequence of transitions.

use std::convert::Infallible;

use fieldtoken_core::access::*;
use fieldtoken_core::rand_core::{TryCryptoRng, TryRng};
use fieldtoken_core::*;
use proptest::prelude::*;

use crate::fixtures::NOW;

/// A reproducible generator (SplitMix64), standing in for the server's OS generator.
struct TestRng(u64);

impl TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Ok(z ^ (z >> 31))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

const VERIFICATION_CODE: &str = "12345678";
const ACCOUNT: u32 = 10;
const PARTICIPANT: u32 = 20;
const CLASSIFICATION: u32 = 30;

fn created_at() -> Timestamp {
    Timestamp::from_millis(NOW)
}
fn later() -> Timestamp {
    Timestamp::from_millis(NOW + 60_000)
}
fn admin() -> Actor {
    Actor::new("user:1").unwrap()
}
fn operator() -> Actor {
    Actor::new("operator:7").unwrap()
}
fn number() -> AccessTokenNumber {
    AccessTokenNumber::new(42).unwrap()
}
fn account(id: u32) -> AccountsReceivableId {
    AccountsReceivableId::new(id).unwrap()
}
fn open_account(id: u32) -> AccountsReceivable {
    AccountsReceivable {
        id: account(id),
        name: if id == ACCOUNT { "Acme" } else { "Globex" }.into(),
        terminated: false,
    }
}
fn terminated_account(id: u32) -> AccountsReceivable {
    AccountsReceivable {
        terminated: true,
        ..open_account(id)
    }
}
fn participant(terminated: bool) -> RewardsParticipant {
    RewardsParticipant {
        id: RewardsParticipantId::new(PARTICIPANT).unwrap(),
        name: "Ann".into(),
        accounts_receivable: open_account(ACCOUNT),
        terminated,
    }
}
fn other_account_participant() -> RewardsParticipant {
    RewardsParticipant {
        accounts_receivable: open_account(ACCOUNT + 1),
        ..participant(false)
    }
}
fn rules(min_length: u8, min_letters: u8, min_digits: u8, min_special: u8) -> CharacterRules {
    CharacterRules {
        min_length,
        min_letters,
        min_digits,
        min_special,
    }
}
fn field(source: CodeSource, rules: CharacterRules, mandatory: bool) -> FieldSettings {
    FieldSettings {
        source,
        rules,
        mandatory,
    }
}
fn typed(format: TextFormat) -> CodeSource {
    CodeSource::Entered(format)
}
fn pass(generated: bool, rules: CharacterRules, mandatory: bool) -> PassCodeSettings {
    PassCodeSettings {
        generated,
        rules,
        mandatory,
    }
}
fn settings(
    identifier: FieldSettings,
    pass_code: PassCodeSettings,
    authentication_code: FieldSettings,
) -> CredentialSettings {
    CredentialSettings::new(identifier, pass_code, authentication_code).unwrap()
}

/// The test definition: typed free-text identifiers, pass codes of 8+ with a letter and a digit, auto-number
/// authentication codes of 7 digits (readable in expectations).
fn base_settings() -> CredentialSettings {
    settings(
        field(typed(TextFormat::FreeText), rules(2, 0, 0, 0), false),
        pass(false, rules(8, 1, 1, 0), false),
        field(CodeSource::AutoNumber, rules(7, 0, 0, 0), true),
    )
}
fn definition() -> AccessTokenDefinition {
    definition_with(base_settings())
}
fn definition_with(credentials: CredentialSettings) -> AccessTokenDefinition {
    AccessTokenDefinition::new(
        AccessTokenDefinitionId::new(1).unwrap(),
        "Operators",
        credentials,
    )
    .unwrap()
}
fn automatic() -> AccessTokenDefinition {
    definition().with_not_effective_on_last_removal(true)
}
fn verifying() -> AccessTokenDefinition {
    definition().with_requires_verification(true)
}
fn strict() -> AccessTokenDefinition {
    definition().with_allow_without_identifier_and_pass_code(false)
}
/// A classification with looser identifiers and stricter pass codes than the definition.
fn classification() -> Classification {
    Classification::new(
        ClassificationId::new(CLASSIFICATION).unwrap(),
        "Contractors",
        settings(
            field(typed(TextFormat::Email), rules(0, 0, 0, 0), true),
            pass(false, rules(12, 2, 2, 1), true),
            field(CodeSource::AutoNumber, rules(9, 0, 0, 0), true),
        ),
    )
    .unwrap()
}

/// The token a case starts from, stored as the server would load it.
#[derive(Clone, Copy)]
struct Given {
    state: LifeCycleState,
    account: bool,
    participant: Option<bool>,
    identifier: bool,
    classification: bool,
}

fn given(state: LifeCycleState) -> Given {
    Given {
        state,
        account: false,
        participant: None,
        identifier: true,
        classification: false,
    }
}
const EFFECTIVE: LifeCycleState = LifeCycleState::Effective;
const NOT_EFFECTIVE: LifeCycleState = LifeCycleState::NotEffective;
const PENDING: LifeCycleState = LifeCycleState::PendingVerification;

impl Given {
    fn account(self) -> Self {
        Given {
            account: true,
            ..self
        }
    }
    /// Linked to the participant (which belongs to the account), terminated or not.
    fn participant(self, terminated: bool) -> Self {
        Given {
            participant: Some(terminated),
            ..self
        }
    }
    fn no_identifier(self) -> Self {
        Given {
            identifier: false,
            ..self
        }
    }
    fn classified(self) -> Self {
        Given {
            classification: true,
            ..self
        }
    }

    fn token(self) -> AccessToken {
        AccessToken::from_record(AccessTokenRecord {
            number: number(),
            authentication_code: "0000042".into(),
            identifier: self.identifier.then(|| "op@example.com".into()),
            has_pass_code: self.identifier,
            state: self.state,
            accounts_receivable: self.account.then(|| account(ACCOUNT)),
            rewards_participant: self.participant.map(|t| participant(t).id),
            classification: self
                .classification
                .then(|| ClassificationId::new(CLASSIFICATION).unwrap()),
            created_at: created_at(),
            created_by: admin().as_str().into(),
            updated_at: created_at(),
            updated_by: admin().as_str().into(),
            verification_code: (self.state == PENDING).then(|| VERIFICATION_CODE.into()),
            verified_on: None,
            verified_by: None,
        })
        .unwrap()
    }
}

enum Op<'a> {
    Create(AccessTokenForm<'a>),
    Edit(AccessTokenEdit<'a>),
    SetNotEffective,
    SetEffective,
    Delete,
    RemoveFromAccount(u32),
    RemoveFromParticipant,
    TerminateAccount(u32),
    AttachAccount(AccountsReceivable),
    AttachParticipant(RewardsParticipant),
    ResetPassCode,
    ResetVerificationCode,
    Verify(&'a str),
    Authenticate,
}

struct Case<'a> {
    seed: &'static str,
    given: Given,
    definition: AccessTokenDefinition,
    /// The classification handed to the operation (the token's own, unless a case says otherwise).
    classification: Option<&'a Classification>,
    /// What a refusal's message must say (the names a person knows the parties by), when a case says.
    message: Option<&'static str>,
    op: Op<'a>,
    expect: Result<&'static str, &'static str>,
}

fn case<'a>(
    seed: &'static str,
    given: Given,
    op: Op<'a>,
    expect: Result<&'static str, &'static str>,
) -> Case<'a> {
    Case {
        seed,
        given,
        definition: definition(),
        classification: None,
        message: None,
        op,
        expect,
    }
}

impl<'a> Case<'a> {
    fn under(self, definition: AccessTokenDefinition) -> Self {
        Case { definition, ..self }
    }
    fn with_classification(self, classification: &'a Classification) -> Self {
        Case {
            classification: Some(classification),
            ..self
        }
    }
    fn saying(self, message: &'static str) -> Self {
        Case {
            message: Some(message),
            ..self
        }
    }
}

fn shown(text: Option<&str>) -> &str {
    text.unwrap_or("-")
}

/// Runs one case: `Ok` is the state after the operation and what the operation reports, `Err` the error code. A
/// refused operation must leave the token exactly as it was; an accepted change is logged as the admin's, later.
fn check(case: Case<'_>) {
    let mut rng = TestRng(7);
    let mut token = case.given.token();
    let before = token.clone();
    let participant = case.given.participant.map(participant);
    let linked_account = case.given.account.then(|| open_account(ACCOUNT));
    let definition = &case.definition;
    let (by, at) = (admin(), later());
    let got: Result<String> = match &case.op {
        Op::Create(form) => {
            AccessToken::create(number(), form, definition, &by, at, &mut rng).map(|new| {
                token = new.token;
                format!(
                    "auth {} id {} pass {}",
                    token.authentication_code(),
                    shown(token.identifier().map(Identifier::as_str)),
                    shown(new.pass_code.as_ref().map(PassCode::expose)),
                )
            })
        }
        Op::Edit(edit) => token
            .edit(edit, definition, case.classification, &by, at, &mut rng)
            .map(|change| format!("{change:?}")),
        Op::SetNotEffective => token
            .set_not_effective(participant.as_ref(), &by, at)
            .map(|()| String::new()),
        Op::SetEffective => token.set_effective(&by, at).map(|()| String::new()),
        Op::Delete => token.ensure_deletable().map(|()| "deletable".into()),
        Op::RemoveFromAccount(a) => token
            .remove_from_accounts_receivable(&open_account(*a), definition, &by, at)
            .map(|o| format!("{o:?}")),
        Op::RemoveFromParticipant => token
            .remove_from_rewards_participant(participant.as_ref().unwrap(), definition, &by, at)
            .map(|o| format!("{o:?}")),
        Op::TerminateAccount(a) => token
            .accounts_receivable_terminated(&terminated_account(*a), definition, &by, at)
            .map(|o| format!("{o:?}")),
        Op::AttachAccount(a) => token
            .attach_to_accounts_receivable(a, participant.as_ref(), &by, at)
            .map(|()| String::new()),
        Op::AttachParticipant(p) => token
            .attach_to_rewards_participant(p, linked_account.as_ref(), &by, at)
            .map(|()| String::new()),
        Op::ResetPassCode => token
            .reset_pass_code(definition, case.classification, &by, at, &mut rng)
            .map(|p| format!("pass {}", p.expose())),
        Op::ResetVerificationCode => token
            .reset_verification_code(&by, at, &mut rng)
            .map(|c| format!("code {c}")),
        Op::Verify(code) => token.verify(code, &operator(), at).map(|()| String::new()),
        Op::Authenticate => token.authenticate().map(|()| String::new()),
    };
    if let (Some(expected), Err(error)) = (case.message, &got) {
        assert_eq!(error.to_string(), expected, "{}", case.seed);
    }
    let got = got
        .map(|report| format!("{} {report}", token.state().as_str()))
        .map_err(|e| e.code());
    assert_eq!(
        got.as_ref().map(|s| s.trim_end()).map_err(|c| *c),
        case.expect,
        "{}",
        case.seed
    );
    if got.is_err() {
        assert_eq!(token, before, "{}: a refusal changed the token", case.seed);
    } else if token != before && !matches!(case.op, Op::Verify(_)) {
        assert_eq!(token.log().updated_at(), at, "{}", case.seed);
        assert_eq!(token.log().updated_by(), &by, "{}", case.seed);
    }
}

fn edit_account(to: Option<u32>) -> Op<'static> {
    Op::Edit(AccessTokenEdit {
        accounts_receivable: Some(to.map(account)),
        ..AccessTokenEdit::default()
    })
}

#[test]
fn validations_and_restrictions() {
    let pending = given(PENDING);
    let effective = given(EFFECTIVE);
    let not_effective = given(NOT_EFFECTIVE);
    let cases = [
        // seed 002, Validations & Restrictions, Delete: "Access Token is in a 'Not Effective' Life Cycle State"
        case(
            "Delete: Not Effective, unassociated",
            not_effective,
            Op::Delete,
            Ok("not_effective deletable"),
        ),
        case(
            "Delete: 'Not Effective' state (Effective)",
            effective,
            Op::Delete,
            Err("delete_needs_not_effective"),
        ),
        case(
            "Delete: 'Not Effective' state (Pending)",
            pending,
            Op::Delete,
            Err("delete_needs_not_effective"),
        ),
        // seed 002, Delete: "Access Token is not associated with a Rewards Participant or an Accounts Receivable"
        case(
            "Delete: not associated (account)",
            not_effective.account(),
            Op::Delete,
            Err("delete_needs_unassociated"),
        ),
        case(
            "Delete: not associated (participant)",
            not_effective.participant(true),
            Op::Delete,
            Err("delete_needs_unassociated"),
        ),
        // seed 002, Edit: "cannot be set as 'Not Effective' if it is related to any entity of Rewards Participants
        // which is 'Not Terminated'"
        case(
            "Edit: Not Effective with a participant not terminated",
            effective.account().participant(false),
            Op::SetNotEffective,
            Err("participant_not_terminated"),
        )
        .saying(
            "this access token is linked to rewards participant 'Ann' (20), which is not terminated; it cannot be set 'Not Effective'",
        ),
        case(
            "Edit: Not Effective with a terminated participant",
            effective.account().participant(true),
            Op::SetNotEffective,
            Ok("not_effective"),
        ),
        // seed 002, Edit: "Rewards Participant or Accounts Receivable cannot be removed/updated once set (via Access
        // Token Screens)"
        case(
            "Edit: account removed",
            effective.account(),
            edit_account(None),
            Err("association_locked"),
        ),
        case(
            "Edit: account updated",
            effective.account(),
            edit_account(Some(11)),
            Err("association_locked"),
        ),
        case(
            "Edit: account set after creation",
            effective,
            edit_account(Some(ACCOUNT)),
            Err("association_locked"),
        ),
        case(
            "Edit: account resent unchanged",
            effective.account(),
            edit_account(Some(ACCOUNT)),
            Ok("effective Keep"),
        ),
        case(
            "Edit: participant removed",
            effective.account().participant(false),
            Op::Edit(AccessTokenEdit {
                rewards_participant: Some(None),
                ..Default::default()
            }),
            Err("association_locked"),
        ),
        // seed 002, Edit: "Mandatory Fields as defined in the" definition
        case(
            "Edit: mandatory identifier removed",
            effective,
            Op::Edit(AccessTokenEdit {
                identifier: Some(None),
                ..Default::default()
            }),
            Err("identifier_required"),
        )
        .under(strict()),
        case(
            "Edit: optional identifier removed, pass code with it",
            effective,
            Op::Edit(AccessTokenEdit {
                identifier: Some(None),
                ..Default::default()
            }),
            Ok("effective Clear"),
        ),
        // seed 002, Manually: SET AS 'NOT EFFECTIVE': "Life Cycle State = 'Effective'"
        case(
            "Manual Not Effective: from Effective",
            effective,
            Op::SetNotEffective,
            Ok("not_effective"),
        ),
        case(
            "Manual Not Effective: from Not Effective",
            not_effective,
            Op::SetNotEffective,
            Err("set_not_effective_needs_effective"),
        ),
        // seed 002: the "APPLICABLE UP TO CRM.COM R9.0.0" unassociated rule is not applied
        case(
            "Manual Not Effective: associated (R9 rule gone)",
            effective.account(),
            Op::SetNotEffective,
            Ok("not_effective"),
        ),
        // seed 002, Manually: "'Pending Verification' cannot be switched to 'Effective' or 'Not Effective'"
        case(
            "Manual Not Effective: Pending Verification",
            pending,
            Op::SetNotEffective,
            Err("pending_verification_locked"),
        ),
        case(
            "Manual Effective: Pending Verification",
            pending,
            Op::SetEffective,
            Err("pending_verification_locked"),
        ),
        // seed 002, Manually: SET AS 'EFFECTIVE': "Life Cycle State = 'Not Effective'"
        case(
            "Manual Effective: from Not Effective",
            not_effective,
            Op::SetEffective,
            Ok("effective"),
        ),
        case(
            "Manual Effective: from Effective",
            effective,
            Op::SetEffective,
            Err("set_effective_needs_not_effective"),
        ),
        // seed 002, Automatically: SET AS 'NOT EFFECTIVE': "On removing them from Accounts Receivable", "On removing
        // them from Rewards Participants", "On Terminating Accounts Receivable", if the definition's setting is
        // 'Enabled' and "The Access Token is not related with any other Accounts Receivable or Rewards Participant"
        case(
            "Automatic: removed from its account",
            effective.account(),
            Op::RemoveFromAccount(ACCOUNT),
            Ok("not_effective SetNotEffective"),
        )
        .under(automatic()),
        case(
            "Automatic: removed from its participant",
            effective.participant(false),
            Op::RemoveFromParticipant,
            Ok("not_effective SetNotEffective"),
        )
        .under(automatic()),
        case(
            "Automatic: its account terminated",
            effective.account(),
            Op::TerminateAccount(ACCOUNT),
            Ok("not_effective SetNotEffective"),
        )
        .under(automatic()),
        case(
            "Automatic: setting disabled",
            effective.account(),
            Op::RemoveFromAccount(ACCOUNT),
            Ok("effective Unchanged(DefinitionDisabled)"),
        ),
        case(
            "Automatic: setting disabled, account terminated",
            effective.account(),
            Op::TerminateAccount(ACCOUNT),
            Ok("effective Unchanged(DefinitionDisabled)"),
        ),
        case(
            "Automatic: removed from account, participant left",
            effective.account().participant(false),
            Op::RemoveFromAccount(ACCOUNT),
            Ok("effective Unchanged(OtherAssociation)"),
        )
        .under(automatic()),
        case(
            "Automatic: removed from participant, account left",
            effective.account().participant(false),
            Op::RemoveFromParticipant,
            Ok("effective Unchanged(OtherAssociation)"),
        )
        .under(automatic()),
        case(
            "Automatic: account terminated, participant left",
            effective.account().participant(false),
            Op::TerminateAccount(ACCOUNT),
            Ok("effective Unchanged(OtherAssociation)"),
        )
        .under(automatic()),
        // seed 002, Automatically: "'Pending Verification' cannot be switched to 'Effective' or 'Not Effective'"
        case(
            "Automatic: Pending Verification untouched",
            pending.account(),
            Op::RemoveFromAccount(ACCOUNT),
            Ok("pending_verification Unchanged(PendingVerification)"),
        )
        .under(automatic()),
        case(
            "Automatic: already Not Effective",
            not_effective.account(),
            Op::TerminateAccount(ACCOUNT),
            Ok("not_effective Unchanged(AlreadyNotEffective)"),
        )
        .under(automatic()),
        case(
            "Automatic: removed from another account",
            effective.account(),
            Op::RemoveFromAccount(11),
            Err("not_associated"),
        )
        .saying(
            "access token 42 is not linked to accounts receivable 'Globex' (11)",
        )
        .under(automatic()),
        case(
            "Automatic: unlinked account terminated",
            effective,
            Op::TerminateAccount(ACCOUNT),
            Err("not_associated"),
        )
        .under(automatic()),
        // seed 002, Attributes, Accounts Receivable: "The relation ... can be cancelled by removing the Access Token
        // from the Accounts Receivable screen" (and linked from there, not from the token's screens)
        case(
            "Link from the account's screen",
            effective,
            Op::AttachAccount(open_account(ACCOUNT)),
            Ok("effective"),
        ),
        // Decision (seed 002 silent): a terminated account takes no new links; its tokens went 'Not Effective' "On
        // Terminating Accounts Receivable"
        case(
            "Link: terminated account",
            effective,
            Op::AttachAccount(terminated_account(ACCOUNT)),
            Err("accounts_receivable_terminated"),
        )
        .saying(
            "accounts receivable 'Acme' (10) is terminated: it takes no new access tokens or rewards participants",
        ),
        case(
            "Link: terminated account, already linked",
            effective.account(),
            Op::AttachAccount(terminated_account(11)),
            Err("already_associated"),
        ),
        case(
            "Link: already linked",
            effective.account(),
            Op::AttachAccount(open_account(11)),
            Err("already_associated"),
        ),
        case(
            "Link: account of another participant",
            effective.participant(false),
            Op::AttachAccount(open_account(11)),
            Err("participant_other_account"),
        )
        .saying(
            "rewards participant 'Ann' (20) belongs to accounts receivable 'Acme' (10), not to accounts receivable 'Globex' (11)",
        ),
        case(
            "Link: participant of the account",
            effective.account(),
            Op::AttachParticipant(participant(false)),
            Ok("effective"),
        ),
        // Decision (seed 002 silent): a terminated participant takes no new links either; the Edit row shields its
        // tokens from 'Not Effective' only while it is 'Not Terminated', so a new one would outlive the party
        case(
            "Link: terminated participant",
            effective.account(),
            Op::AttachParticipant(participant(true)),
            Err("rewards_participant_terminated"),
        )
        .saying("rewards participant 'Ann' (20) is terminated: it takes no new access tokens"),
        case(
            "Link: terminated participant, already linked",
            effective.participant(false),
            Op::AttachParticipant(participant(true)),
            Err("already_associated"),
        ),
        // seed 002, Attributes, Rewards Participant: "should also be related with that Accounts Receivable"
        case(
            "Link: participant of another account",
            effective.account(),
            Op::AttachParticipant(other_account_participant()),
            Err("participant_other_account"),
        )
        .saying(
            "rewards participant 'Ann' (20) belongs to accounts receivable 'Globex' (11), not to accounts receivable 'Acme' (10)",
        ),
        // seed 002, Automatically: SET AS EFFECTIVE: "On creating a new Access Token the Life Cycle State of the token
        // is set as 'Effective'"
        case(
            "Automatic Effective on creating",
            effective,
            Op::Create(AccessTokenForm {
                identifier: Some("op"),
                pass_code: Some("secret12"),
                ..Default::default()
            }),
            Ok("effective auth 0000042 id op pass secret12"),
        ),
        // Decision: a definition requiring verification starts tokens 'Pending Verification' (seed 002, R12)
        case(
            "Pending Verification on creating, when required",
            effective,
            Op::Create(AccessTokenForm {
                identifier: Some("op"),
                pass_code: Some("secret12"),
                ..Default::default()
            }),
            Ok("pending_verification auth 0000042 id op pass secret12"),
        )
        .under(verifying()),
        // seed 002, Reset Pass Code: "The Life Cycle State of the Access Token is: 'Effective'"
        case(
            "Reset Pass Code: Effective",
            effective,
            Op::ResetPassCode,
            Ok("effective pass yqiq3M9LwiK9"),
        ),
        case(
            "Reset Pass Code: Not Effective",
            not_effective,
            Op::ResetPassCode,
            Err("reset_pass_code_needs_effective"),
        ),
        case(
            "Reset Pass Code: Pending Verification",
            pending,
            Op::ResetPassCode,
            Err("reset_pass_code_needs_effective"),
        ),
        case(
            "Reset Pass Code: no identifier",
            effective.no_identifier(),
            Op::ResetPassCode,
            Err("identifier_required"),
        ),
        case(
            "Reset Pass Code: the classification's rules",
            effective.classified(),
            Op::ResetPassCode,
            Ok("effective pass y%2q3MhLw2K9"),
        )
        .with_classification(&CLASSIFIED),
        // seed 002, Resetting Access Token Verification Code: "an Access Token having its Life Cycle State set to
        // 'Pending Verification'"
        case(
            "Reset Verification Code: Pending",
            pending,
            Op::ResetVerificationCode,
            Ok("pending_verification code 05442095"),
        ),
        case(
            "Reset Verification Code: Effective",
            effective,
            Op::ResetVerificationCode,
            Err("reset_verification_needs_pending"),
        ),
        case(
            "Reset Verification Code: Not Effective",
            not_effective,
            Op::ResetVerificationCode,
            Err("reset_verification_needs_pending"),
        ),
        // seed 002, Attributes, Verification Information: "The code used to verify the Access Token"
        case(
            "Verify: right code",
            pending,
            Op::Verify("1234 5678"),
            Ok("effective"),
        ),
        case(
            "Verify: wrong code",
            pending,
            Op::Verify("12345679"),
            Err("wrong_verification_code"),
        ),
        case(
            "Verify: not pending",
            not_effective,
            Op::Verify(VERIFICATION_CODE),
            Err("verify_needs_pending"),
        ),
        // seed 002, Attributes, Life Cycle State: "Only 'Effective' Access Tokens can be used to access the System"
        case(
            "Authenticate: Effective",
            effective,
            Op::Authenticate,
            Ok("effective"),
        ),
        case(
            "Authenticate: Not Effective",
            not_effective,
            Op::Authenticate,
            Err("access_token_not_effective"),
        ),
        case(
            "Authenticate: Pending Verification",
            pending,
            Op::Authenticate,
            Err("access_token_pending_verification"),
        ),
    ];
    for c in cases {
        check(c);
    }
}

static CLASSIFIED: std::sync::LazyLock<Classification> = std::sync::LazyLock::new(classification);

fn create(form: AccessTokenForm<'_>) -> Op<'_> {
    Op::Create(form)
}

#[test]
fn attributes() {
    let open = open_account(ACCOUNT);
    let terminated = terminated_account(ACCOUNT);
    let any = given(EFFECTIVE);
    let form = AccessTokenForm::default();
    let with_login = AccessTokenForm {
        identifier: Some("op"),
        pass_code: Some("secret12"),
        ..form
    };
    let emails = definition_with(settings(
        field(typed(TextFormat::Email), rules(0, 0, 0, 0), true),
        pass(false, rules(8, 1, 1, 0), true),
        field(typed(TextFormat::Number), rules(4, 0, 0, 0), true),
    ));
    let generated = definition_with(settings(
        field(CodeSource::AutoId, rules(10, 2, 2, 0), true),
        pass(true, rules(6, 0, 6, 0), true),
        field(CodeSource::AutoId, rules(20, 0, 0, 2), true),
    ));
    let identifier_rules = |r| {
        definition_with(settings(
            field(typed(TextFormat::FreeText), r, false),
            pass(false, rules(0, 0, 0, 0), false),
            field(CodeSource::AutoNumber, rules(7, 0, 0, 0), true),
        ))
    };
    let ended = participant(true);
    let participant = participant(false);
    let orphaned = RewardsParticipant {
        accounts_receivable: terminated.clone(),
        ..participant.clone()
    };
    let stranger = other_account_participant();
    let cases = [
        // seed 002, Attributes, Number: "An auto-generated number that uniquely identifies each Access Token"
        // (an auto-number authentication code is that number, zero-padded to the minimum length)
        case(
            "Number / Authentication Code: auto number",
            any,
            create(form),
            Ok("effective auth 0000042 id - pass -"),
        ),
        // seed 002, Attributes, Authentication Code*: mandatory, "either 'Read-only' or needs to follow a specific
        // format"
        case(
            "Authentication Code: read-only when generated",
            any,
            create(AccessTokenForm {
                authentication_code: Some("7"),
                ..form
            }),
            Err("read_only_field"),
        ),
        case(
            "Authentication Code*: mandatory when typed",
            any,
            create(AccessTokenForm {
                authentication_code: Some("  "),
                ..with_login
            }),
            Err("authentication_code_required"),
        )
        .under(emails.clone()),
        case(
            "Authentication Code: number format",
            any,
            create(AccessTokenForm {
                authentication_code: Some("12a4"),
                identifier: Some("a@b.io"),
                pass_code: Some("secret12"),
                ..form
            }),
            Err("bad_authentication_code"),
        )
        .under(emails.clone()),
        case(
            "Authentication Code: minimum length",
            any,
            create(AccessTokenForm {
                authentication_code: Some("123"),
                identifier: Some("a@b.io"),
                pass_code: Some("secret12"),
                ..form
            }),
            Err("bad_authentication_code"),
        )
        .under(emails.clone()),
        case(
            "Authentication Code / Identifier: typed in format",
            any,
            create(AccessTokenForm {
                authentication_code: Some(" 1234 "),
                identifier: Some("a@b.io"),
                pass_code: Some("secret12"),
                ..form
            }),
            Ok("effective auth 1234 id a@b.io pass secret12"),
        )
        .under(emails.clone()),
        // seed 002, Attributes, Identifier: "needs to follow a specific format as defined in the Access Token
        // Definitions"
        case(
            "Identifier: email format",
            any,
            create(AccessTokenForm {
                authentication_code: Some("1234"),
                identifier: Some("operator"),
                pass_code: Some("secret12"),
                ..form
            }),
            Err("bad_identifier"),
        )
        .under(emails.clone()),
        case(
            "Identifier: minimum length",
            any,
            create(AccessTokenForm {
                identifier: Some("abc"),
                pass_code: Some("x"),
                ..form
            }),
            Err("bad_identifier"),
        )
        .under(identifier_rules(rules(4, 0, 0, 0))),
        case(
            "Identifier: minimum letters",
            any,
            create(AccessTokenForm {
                identifier: Some("a123"),
                pass_code: Some("x"),
                ..form
            }),
            Err("bad_identifier"),
        )
        .under(identifier_rules(rules(0, 2, 0, 0))),
        case(
            "Identifier: minimum digits",
            any,
            create(AccessTokenForm {
                identifier: Some("abc1"),
                pass_code: Some("x"),
                ..form
            }),
            Err("bad_identifier"),
        )
        .under(identifier_rules(rules(0, 0, 2, 0))),
        case(
            "Identifier: minimum special",
            any,
            create(AccessTokenForm {
                identifier: Some("ab12"),
                pass_code: Some("x"),
                ..form
            }),
            Err("bad_identifier"),
        )
        .under(identifier_rules(rules(0, 0, 0, 1))),
        case(
            "Identifier: all minimums met",
            any,
            create(AccessTokenForm {
                identifier: Some("Ab-1é2"),
                pass_code: Some("x"),
                ..form
            }),
            Ok("effective auth 0000042 id Ab-1é2 pass x"),
        )
        .under(identifier_rules(rules(6, 3, 2, 1))),
        case(
            "Identifier: control character",
            any,
            create(AccessTokenForm {
                identifier: Some("a\u{7}b"),
                pass_code: Some("x"),
                ..form
            }),
            Err("bad_identifier"),
        ),
        // seed 002, Attributes, Identifier: "The Identifier can be mandatory if it is set so in Access Token
        // Definitions"
        case(
            "Identifier: mandatory",
            any,
            create(AccessTokenForm {
                authentication_code: Some("1234"),
                ..form
            }),
            Err("identifier_required"),
        )
        .under(emails.clone()),
        // definition: "Allow tokens with no identifier and pass code"
        case(
            "No identifier and pass code: allowed",
            any,
            create(form),
            Ok("effective auth 0000042 id - pass -"),
        ),
        case(
            "No identifier and pass code: not allowed",
            any,
            create(form),
            Err("identifier_required"),
        )
        .under(strict()),
        // CRM.COM glossary: "If an Identifier is used then the Pass Code is mandatory"
        case(
            "Identifier needs a pass code",
            any,
            create(AccessTokenForm {
                identifier: Some("op"),
                ..form
            }),
            Err("pass_code_required"),
        ),
        case(
            "Pass code needs an identifier",
            any,
            create(AccessTokenForm {
                pass_code: Some("secret12"),
                ..form
            }),
            Err("identifier_required"),
        ),
        // seed 002, Attributes, Pass Code: "Pass Code can be mandatory" and "needs to follow a specific format"
        case(
            "Pass Code: mandatory",
            any,
            create(AccessTokenForm {
                identifier: Some("op"),
                pass_code: Some(""),
                ..form
            }),
            Err("pass_code_required"),
        ),
        case(
            "Pass Code: minimum length",
            any,
            create(AccessTokenForm {
                pass_code: Some("abc1"),
                ..with_login
            }),
            Err("bad_pass_code"),
        ),
        case(
            "Pass Code: minimum digits",
            any,
            create(AccessTokenForm {
                pass_code: Some("abcdefgh"),
                ..with_login
            }),
            Err("bad_pass_code"),
        ),
        case(
            "Pass Code: minimum letters",
            any,
            create(AccessTokenForm {
                pass_code: Some("12345678"),
                ..with_login
            }),
            Err("bad_pass_code"),
        ),
        case(
            "Pass Code: taken as typed, spaces too",
            any,
            create(AccessTokenForm {
                pass_code: Some(" two words 2 "),
                ..with_login
            }),
            Ok("effective auth 0000042 id op pass  two words 2"),
        ),
        // seed 002, Attributes: "This information is either 'Read-only' ..." (generated by the definition)
        case(
            "Pass Code: read-only when generated",
            any,
            create(AccessTokenForm {
                pass_code: Some("123456"),
                ..form
            }),
            Err("read_only_field"),
        )
        .under(generated.clone()),
        case(
            "Identifier: read-only when generated",
            any,
            create(AccessTokenForm {
                identifier: Some("op"),
                ..form
            }),
            Err("read_only_field"),
        )
        .under(generated.clone()),
        case(
            "All generated",
            any,
            create(form),
            Ok("effective auth yNx!qczMq3iKAniy9-DL id DHzRZa4SBiFTx7Y6 pass 5N373dR8877C"),
        )
        .under(generated.clone()),
        // seed 002, Attributes: "If a Classification is defined then the formatting settings will be taken from the
        // classification"
        case(
            "Classification: its identifier format wins",
            any,
            create(AccessTokenForm {
                classification: Some(&CLASSIFIED),
                ..with_login
            }),
            Err("bad_identifier"),
        ),
        case(
            "Classification: its pass code rules win",
            any,
            create(AccessTokenForm {
                classification: Some(&CLASSIFIED),
                identifier: Some("a@b.io"),
                pass_code: Some("secret12"),
                ..form
            }),
            Err("bad_pass_code"),
        ),
        case(
            "Classification: its authentication code settings win",
            any,
            create(AccessTokenForm {
                classification: Some(&CLASSIFIED),
                identifier: Some("a@b.io"),
                pass_code: Some("ab12!secrets"),
                ..form
            }),
            Ok("effective auth 000000042 id a@b.io pass ab12!secrets"),
        ),
        // seed 002, Attributes, Rewards Participant: "If an Accounts Receivable is also specified, then the Rewards
        // Participants that can be selected should also be related with that Accounts Receivable"
        case(
            "Participant of the account",
            any,
            create(AccessTokenForm {
                accounts_receivable: Some(&open),
                rewards_participant: Some(&participant),
                ..form
            }),
            Ok("effective auth 0000042 id - pass -"),
        ),
        case(
            "Participant of another account",
            any,
            create(AccessTokenForm {
                accounts_receivable: Some(&open),
                rewards_participant: Some(&stranger),
                ..form
            }),
            Err("participant_other_account"),
        )
        .saying(
            "rewards participant 'Ann' (20) belongs to accounts receivable 'Globex' (11), not to accounts receivable 'Acme' (10)",
        ),
        // Decision (seed 002 silent): a terminated account takes no new links
        case(
            "Terminated account",
            any,
            create(AccessTokenForm {
                accounts_receivable: Some(&terminated),
                ..form
            }),
            Err("accounts_receivable_terminated"),
        ),
        // Decision (seed 002 silent): a terminated participant takes no new links; its tokens may go 'Not
        // Effective' once it is terminated (Edit row), so a new one would outlive the party
        case(
            "Terminated participant",
            any,
            create(AccessTokenForm {
                accounts_receivable: Some(&open),
                rewards_participant: Some(&ended),
                ..form
            }),
            Err("rewards_participant_terminated"),
        )
        .saying("rewards participant 'Ann' (20) is terminated: it takes no new access tokens"),
        // Decision (seed 002 silent): nor through a participant of a terminated account, named or not
        case(
            "Participant of a terminated account",
            any,
            create(AccessTokenForm {
                rewards_participant: Some(&orphaned),
                ..form
            }),
            Err("accounts_receivable_terminated"),
        )
        .saying(
            "accounts receivable 'Acme' (10) is terminated: it takes no new access tokens or rewards participants",
        ),
        case(
            "Participant without an account",
            any,
            create(AccessTokenForm {
                rewards_participant: Some(&stranger),
                ..form
            }),
            Ok("effective auth 0000042 id - pass -"),
        ),
        // seed 002, Attributes, Classifications: "It is editable only while creating a token"
        case(
            "Classification: not editable",
            any,
            Op::Edit(AccessTokenEdit {
                classification: Some(Some(CLASSIFIED.id())),
                ..Default::default()
            }),
            Err("classification_locked"),
        ),
        case(
            "Classification: not removable",
            any.classified(),
            Op::Edit(AccessTokenEdit {
                classification: Some(None),
                ..Default::default()
            }),
            Err("classification_locked"),
        ),
        case(
            "Classification: the token's own is needed",
            any.classified(),
            Op::Edit(AccessTokenEdit::default()),
            Err("classification_mismatch"),
        ),
        // seed 002, Edit: formats apply on update too; generated fields stay read-only
        case(
            "Edit: authentication code read-only",
            any,
            Op::Edit(AccessTokenEdit {
                authentication_code: Some("1234567"),
                ..Default::default()
            }),
            Err("read_only_field"),
        ),
        case(
            "Edit: authentication code resent unchanged",
            any,
            Op::Edit(AccessTokenEdit {
                authentication_code: Some("0000042"),
                ..Default::default()
            }),
            Ok("effective Keep"),
        ),
        case(
            "Edit: identifier format",
            any,
            Op::Edit(AccessTokenEdit {
                identifier: Some(Some("x")),
                ..Default::default()
            }),
            Err("bad_identifier"),
        ),
        case(
            "Edit: new identifier and pass code",
            any.no_identifier(),
            Op::Edit(AccessTokenEdit {
                identifier: Some(Some("op2")),
                pass_code: Some("newpass99"),
                ..Default::default()
            }),
            Ok("effective Set(PassCode(hidden))"),
        ),
        case(
            "Edit: new identifier without pass code",
            any.no_identifier(),
            Op::Edit(AccessTokenEdit {
                identifier: Some(Some("op2")),
                ..Default::default()
            }),
            Err("pass_code_required"),
        ),
        case(
            "Edit: pass code rules",
            any,
            Op::Edit(AccessTokenEdit {
                pass_code: Some("short1"),
                ..Default::default()
            }),
            Err("bad_pass_code"),
        ),
    ];
    for c in cases {
        check(c);
    }
}

#[test]
fn log_and_verification_information() {
    // seed 002, Attributes, Log Information and Verification Information ("Verified On", "Verified By",
    // "Verification Code")
    let mut rng = TestRng(1);
    let form = AccessTokenForm {
        identifier: Some("op"),
        pass_code: Some("secret12"),
        ..Default::default()
    };
    let new = AccessToken::create(
        number(),
        &form,
        &verifying(),
        &admin(),
        created_at(),
        &mut rng,
    )
    .unwrap();
    let mut token = new.token;
    assert_eq!(
        new.pass_code.as_ref().map(PassCode::expose),
        Some("secret12")
    );
    assert_eq!(format!("{:?}", new.pass_code.unwrap()), "PassCode(hidden)");
    assert!(token.has_pass_code());
    assert_eq!(
        (token.log().created_at(), token.log().created_by()),
        (created_at(), &admin())
    );
    let code = token.verification().code().unwrap().clone();
    assert_eq!(code.as_str().len(), VERIFICATION_CODE_DIGITS);
    assert_eq!(token.verification().verified_on(), None);

    let fresh = token
        .reset_verification_code(&admin(), later(), &mut rng)
        .unwrap()
        .clone();
    assert_ne!(fresh, code);
    assert_eq!(
        token
            .verify(code.as_str(), &operator(), later())
            .unwrap_err()
            .code(),
        "wrong_verification_code"
    );
    token.verify(fresh.as_str(), &operator(), later()).unwrap();
    assert_eq!(token.verification().verified_on(), Some(later()));
    assert_eq!(token.verification().verified_by(), Some(&operator()));
    assert_eq!(token.verification().code(), Some(&fresh));
    assert_eq!(
        (token.log().updated_at(), token.log().updated_by()),
        (later(), &operator())
    );
    assert_eq!(token.log().created_by(), &admin());

    // The store's round trip keeps everything.
    assert_eq!(
        AccessToken::from_record(token.to_record()),
        Ok(token.clone())
    );
    let broken = [
        AccessTokenRecord {
            identifier: None,
            ..token.to_record()
        },
        AccessTokenRecord {
            state: PENDING,
            verification_code: None,
            ..token.to_record()
        },
        AccessTokenRecord {
            verified_by: None,
            ..token.to_record()
        },
        AccessTokenRecord {
            verification_code: Some("12ab".into()),
            ..token.to_record()
        },
    ];
    for record in broken {
        assert_eq!(
            AccessToken::from_record(record).unwrap_err().code(),
            "bad_format"
        );
    }
    assert_eq!(
        AccessToken::from_record(AccessTokenRecord {
            authentication_code: String::new(),
            ..token.to_record()
        })
        .unwrap_err()
        .code(),
        "bad_authentication_code"
    );
    assert_eq!(
        AccessToken::from_record(AccessTokenRecord {
            updated_by: " ".into(),
            ..token.to_record()
        })
        .unwrap_err()
        .code(),
        "bad_actor"
    );
    for state in LifeCycleState::ALL {
        assert_eq!(LifeCycleState::parse(state.as_str()), Ok(state));
    }
    assert_eq!(
        LifeCycleState::parse("Effective").unwrap_err().code(),
        "bad_format"
    );
}

#[test]
fn definitions() {
    // Access Token Definitions: "Only one active definition can exist at any point"
    let one = definition();
    let off = definition().with_active(false);
    assert_eq!(
        active_definition([&off, &one, &off]).map(|d| d.id()),
        Ok(one.id())
    );
    assert_eq!(
        active_definition([&off]).unwrap_err().code(),
        "no_active_definition"
    );
    assert_eq!(
        active_definition([&one, &off, &one]).unwrap_err().code(),
        "several_active_definitions"
    );
    // Settings that cannot be met are refused when the definition is saved, not when a token is.
    let number_with_letters = CredentialSettings::new(
        field(typed(TextFormat::Number), rules(0, 1, 0, 0), false),
        pass(false, CharacterRules::NONE, false),
        field(CodeSource::AutoId, CharacterRules::NONE, true),
    );
    assert_eq!(number_with_letters.unwrap_err().code(), "bad_definition");
    let auto_number_with_special = CredentialSettings::new(
        field(typed(TextFormat::FreeText), CharacterRules::NONE, false),
        pass(false, CharacterRules::NONE, false),
        field(CodeSource::AutoNumber, rules(0, 0, 0, 1), true),
    );
    assert_eq!(
        auto_number_with_special.unwrap_err().code(),
        "bad_definition"
    );
    let too_long = CredentialSettings::new(
        field(typed(TextFormat::FreeText), CharacterRules::NONE, false),
        pass(false, rules(0, 100, 20, 20), false),
        field(CodeSource::AutoId, CharacterRules::NONE, true),
    );
    assert_eq!(too_long.unwrap_err().code(), "bad_definition");
    assert_eq!(
        Classification::new(ClassificationId::new(1).unwrap(), " ", base_settings())
            .unwrap_err()
            .code(),
        "bad_name"
    );
    assert_eq!(AccessTokenNumber::new(0).unwrap_err().code(), "bad_id");
    assert_eq!(Actor::new("a\nb").unwrap_err().code(), "bad_actor");
    // Every error code of the module is distinct.
    let codes: std::collections::BTreeSet<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
    assert_eq!(codes.len(), ErrorKind::ALL.len());
}

fn character_rules() -> impl Strategy<Value = CharacterRules> {
    (0u8..=40, 0u8..=30, 0u8..=30, 0u8..=30).prop_map(|(l, a, d, s)| rules(l, a, d, s))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Generated pass codes and auto ids pass the very checks a typed value passes, under the settings they were
    /// generated for (seed 002, Reset Pass Code: "A new Pass Code will be generated").
    #[test]
    fn generated_values_meet_their_rules(pass_rules in character_rules(), id_rules in character_rules(), seed in any::<u64>()) {
        let mut rng = TestRng(seed);
        let generating = definition_with(settings(
            field(CodeSource::AutoId, id_rules, true),
            pass(true, pass_rules, true),
            field(CodeSource::AutoNumber, CharacterRules::NONE, true),
        ));
        let typing = definition_with(settings(
            field(typed(TextFormat::FreeText), id_rules, true),
            pass(false, pass_rules, true),
            field(CodeSource::AutoNumber, CharacterRules::NONE, true),
        ));
        let mut new = AccessToken::create(number(), &AccessTokenForm::default(), &generating, &admin(), created_at(), &mut rng).unwrap();
        let reset = new.token.reset_pass_code(&generating, None, &admin(), later(), &mut rng).unwrap();
        let identifier = new.token.identifier().unwrap().as_str().to_string();
        for pass_code in [new.pass_code.unwrap(), reset] {
            let form = AccessTokenForm { identifier: Some(&identifier), pass_code: Some(pass_code.expose()), ..Default::default() };
            let typed = AccessToken::create(number(), &form, &typing, &admin(), created_at(), &mut rng);
            prop_assert!(typed.is_ok(), "{:?} / {:?}: {:?}", identifier, pass_code.expose(), typed.err());
        }
    }

    /// Whatever happens to a token, it leaves 'Pending Verification' only by being verified with its code, and a
    /// refused step changes nothing.
    #[test]
    fn pending_verification_ends_only_by_verification(steps in proptest::collection::vec(0u8..14, 0..40), seed in any::<u64>(), flags in any::<(bool, bool, bool)>()) {
        let mut rng = TestRng(seed);
        let definition = definition()
            .with_requires_verification(flags.0)
            .with_not_effective_on_last_removal(flags.1)
            .with_allow_without_identifier_and_pass_code(!flags.2);
        // The token is created while its participant is open (a terminated one takes no new tokens); the steps see
        // the participant as the store holds it later, terminated since or not.
        let open_participant = participant(false);
        let p = participant(flags.2);
        let open = open_account(ACCOUNT);
        let form = AccessTokenForm {
            identifier: Some("op"),
            pass_code: Some("secret12"),
            accounts_receivable: Some(&open),
            rewards_participant: Some(&open_participant),
            ..Default::default()
        };
        let mut token = AccessToken::create(number(), &form, &definition, &admin(), created_at(), &mut rng).unwrap().token;
        for step in steps {
            let before = token.clone();
            let code = token.verification().code().map(|c| c.as_str().to_string()).unwrap_or_default();
            let (by, at) = (admin(), later());
            let mut verified = false;
            let result = match step {
                0 => token.set_not_effective(Some(&p), &by, at),
                1 => token.set_effective(&by, at),
                2 => token.remove_from_accounts_receivable(&open, &definition, &by, at).map(drop),
                3 => token.remove_from_rewards_participant(&p, &definition, &by, at).map(drop),
                4 => token.accounts_receivable_terminated(&open, &definition, &by, at).map(drop),
                5 => token.attach_to_accounts_receivable(&open, Some(&p), &by, at),
                6 => token.attach_to_rewards_participant(&p, Some(&open), &by, at),
                7 => token.reset_pass_code(&definition, None, &by, at, &mut rng).map(drop),
                8 => token.reset_verification_code(&by, at, &mut rng).map(drop),
                9 => token.verify("00000000", &by, at),
                10 => { verified = true; token.verify(&code, &by, at) }
                11 => token.edit(&AccessTokenEdit { identifier: Some(None), ..Default::default() }, &definition, None, &by, at, &mut rng).map(drop),
                12 => token.edit(&AccessTokenEdit { accounts_receivable: Some(None), ..Default::default() }, &definition, None, &by, at, &mut rng).map(drop),
                _ => token.authenticate(),
            };
            if result.is_err() {
                prop_assert_eq!(&token, &before);
            }
            if before.state() == PENDING && token.state() != PENDING {
                prop_assert!(verified && result.is_ok() && token.state() == EFFECTIVE);
                prop_assert_eq!(token.verification().verified_on(), Some(at));
            }
            prop_assert_eq!(token.authenticate().is_ok(), token.state() == EFFECTIVE);
            prop_assert!(!token.has_pass_code() || token.identifier().is_some());
            prop_assert_eq!(AccessToken::from_record(token.to_record()), Ok(token.clone()));
        }
    }
}

/// Issue 18: "the authentication code alone, for a token that has an identifier and a pass code, signs in; with
/// auto-numbered codes that code is `000002`". The code alone signs in only a token with neither, only while the
/// active definition allows such tokens, and never with an auto-numbered code.
#[test]
fn the_authentication_code_alone_signs_in_only_where_the_definition_allows_and_never_auto_numbered()
{
    let random_codes = || {
        settings(
            field(typed(TextFormat::FreeText), rules(2, 0, 0, 0), false),
            pass(false, rules(8, 1, 1, 0), false),
            field(CodeSource::AutoId, rules(16, 0, 0, 0), true),
        )
    };
    let random = definition_with(random_codes());
    let cases = [
        (given(EFFECTIVE), &random, false),
        (given(EFFECTIVE).no_identifier(), &random, true),
        (
            given(EFFECTIVE).no_identifier(),
            &definition_with(random_codes()).with_allow_without_identifier_and_pass_code(false),
            false,
        ),
        // The test definition's codes are auto-numbered.
        (given(EFFECTIVE).no_identifier(), &definition(), false),
    ];
    for (i, (given, definition, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            given.token().may_sign_in_with_code_alone(definition, None),
            Ok(expected),
            "case {i}"
        );
    }
    let classified = given(EFFECTIVE).no_identifier().classified().token();
    assert_eq!(
        classified.may_sign_in_with_code_alone(&random, Some(&classification())),
        Ok(false),
        "the classification's codes are auto-numbered"
    );
}
