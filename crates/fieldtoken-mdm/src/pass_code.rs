//! Access tokens' pass codes at rest: Argon2id PHC strings with a fresh salt each, hashed and checked off the async
//! threads (a hash takes tens of milliseconds on purpose).

use fieldtoken_core::access::PassCode;

/// A pass code could not be hashed now (the blocking pool is gone, or the hasher refused); nothing was changed.
#[derive(Debug)]
pub struct HashingUnavailable;

/// The Argon2id PHC string of a pass code, with a fresh 16-byte salt.
pub async fn hash(pass_code: &PassCode) -> Result<String, HashingUnavailable> {
    use argon2::password_hash::PasswordHasher;
    let plain = pass_code.expose().as_bytes().to_vec();
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    tokio::task::spawn_blocking(move || {
        argon2::Argon2::default()
            .hash_password_with_salt(&plain, &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|_| HashingUnavailable)?
    .map_err(|_| HashingUnavailable)
}

/// Whether `typed` is the pass code of `hash`. With no hash, a made-up one is checked all the same, so that an
/// unknown identifier takes as long to refuse as a wrong pass code.
pub async fn matches(hash: Option<String>, typed: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    // A valid hash of no pass code anyone can type (it holds a control character, which the core refuses).
    const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZmllbGR0b2tlbmRlY295$0d7lfl2WJ4Y1JwRLmOCmn7Qfl4Wvq6Tz1X4XvLLkzJE";
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DECOY.to_owned());
    let typed = typed.as_bytes().to_vec();
    let matched = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(&typed, &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false);
    known && matched
}

#[cfg(test)]
mod tests {
    use fieldtoken_core::Timestamp;
    use fieldtoken_core::access::{
        AccessToken, AccessTokenDefinition, AccessTokenDefinitionId, AccessTokenForm,
        AccessTokenNumber, Actor, CredentialSettings,
    };

    use super::*;

    #[tokio::test]
    async fn pass_codes_hash_with_argon2id_and_only_the_right_one_matches() {
        // A pass code exists only through the core: a token created with a typed one.
        let definition = AccessTokenDefinition::new(
            AccessTokenDefinitionId::new(1).unwrap(),
            "Test",
            CredentialSettings::default(),
        )
        .unwrap();
        let form = AccessTokenForm {
            identifier: Some("ana"),
            pass_code: Some("Correct horse 9"),
            ..AccessTokenForm::default()
        };
        let created = AccessToken::create(
            AccessTokenNumber::new(1).unwrap(),
            &form,
            &definition,
            &Actor::system(),
            Timestamp::from_millis(0),
            &mut rand::rng(),
        )
        .unwrap();
        let pass_code = created.pass_code.unwrap();
        let hashed = hash(&pass_code).await.unwrap();
        assert!(hashed.starts_with("$argon2id$"), "{hashed}");
        assert!(!hashed.contains("Correct horse 9"));
        assert!(matches(Some(hashed.clone()), "Correct horse 9").await);
        assert!(!matches(Some(hashed), "correct horse 9").await);
        // No stored hash never matches, whatever is typed (the decoy is only there for the time it takes).
        assert!(!matches(None, "").await);
        assert!(!matches(None, "Correct horse 9").await);
    }
}
