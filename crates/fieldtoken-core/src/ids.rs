//! Identifiers and time. Ids are 32-bit and never zero, so that the longest signed token fits the QR budget and every
//! id is a plain JavaScript number. Time is milliseconds since the Unix epoch, always passed in by the caller.

use std::fmt;

use crate::error::{Error, ErrorKind, Result};

/// A 32-bit id that is never zero; `$what` names it in error messages ("a fleet id is never 0").
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The id with this value; zero is not an id.
            pub fn new(value: u32) -> Result<Self> {
                if value == 0 {
                    return Err(Error::new(ErrorKind::BadId, concat!("a ", $what, " is never 0")));
                }
                Ok($name(value))
            }

            /// The id from any integer (e.g. a database row id), checking the range 1..=4294967295.
            pub fn from_i64(value: i64) -> Result<Self> {
                let v = u32::try_from(value).map_err(|_| {
                    Error::new(ErrorKind::BadId, format!(concat!("{} is not a ", $what, " (1 to 4294967295)"), value))
                })?;
                Self::new(v)
            }

            /// The numeric value.
            pub const fn get(self) -> u32 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }
    };
}
pub(crate) use id_type;

id_type!(
    /// An organisation (tenant) of the MDM.
    OrgId,
    "organisation id"
);
id_type!(
    /// An action token.
    ActionTokenId,
    "action token id"
);
id_type!(
    /// A fleet of devices.
    FleetId,
    "fleet id"
);
id_type!(
    /// A device managed by the MDM.
    DeviceId,
    "device id"
);
id_type!(
    /// An organisation's signing key (the id under which its public key is published in the offline bundle).
    KeyId,
    "key id"
);

/// A point in time: milliseconds since the Unix epoch (UTC), as JavaScript's `Date.now()`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The time `millis` milliseconds after the epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Timestamp(millis)
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// This time plus `millis` (saturating).
    pub const fn plus_millis(self, millis: i64) -> Self {
        Timestamp(self.0.saturating_add(millis))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.0)
    }
}

/// When a token stops working: whole seconds since the epoch, from 1970 to 2106 (it is signed into tokens as 32 bits).
/// The token works strictly before this instant and no longer from it on.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Expiry(u32);

impl Expiry {
    /// The expiry at `seconds` after the epoch.
    pub const fn from_seconds(seconds: u32) -> Self {
        Expiry(seconds)
    }

    /// The expiry at a time given in milliseconds; sub-second parts are dropped (rounded down), since tokens carry
    /// whole seconds. Fails with `bad_expiry` before 1970 or after 2106-02-07.
    pub fn from_millis(millis: i64) -> Result<Self> {
        let seconds = millis.div_euclid(1000);
        u32::try_from(seconds).map(Expiry).map_err(|_| {
            Error::new(
                ErrorKind::BadExpiry,
                "the expiry must be between 1970 and 2106",
            )
        })
    }

    /// Seconds since the epoch.
    pub const fn as_seconds(self) -> u32 {
        self.0
    }

    /// The expiry as a timestamp.
    pub const fn as_timestamp(self) -> Timestamp {
        Timestamp(self.0 as i64 * 1000)
    }

    /// Whether a token with this expiry no longer works at `now`.
    pub fn has_passed(self, now: Timestamp) -> bool {
        now >= self.as_timestamp()
    }
}
