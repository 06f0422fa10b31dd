//! Limits against guessing: per-client token buckets in memory. A client is its API token when it authenticated,
//! else its IP address; an operator sign-in also counts against the identifier it names. Two budgets: `sync` counts every `POST /api/v1/sync` request (requests, not redemptions, so
//! a phone still uploads a long queue in a few large batches), and `guesses` counts every attempt that checks a
//! secret the caller may be guessing (a bearer token that does not authenticate, an enrolment code, operator sign-in
//! details that match nothing). An empty bucket answers 429 `rate_limited` with `Retry-After` before anything is
//! checked, so guesses stop being answered.
//!
//! Each bucket holds `requests` tokens (the burst) and refills `requests` per `window`. Buckets that are full again
//! are pruned now and then, so memory stays bounded by the clients active within one window.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use fieldtoken_api::ServerCode;

use crate::clock::now;
use crate::http::error::ApiError;
use crate::store::{Engine, Store, guesses};

/// One budget: at most `requests` in a burst, refilled at `requests` per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// The burst, and how many are refilled per window; 0 turns the limit off.
    pub requests: u32,
    /// The refill period.
    pub window: Duration,
}

impl Rate {
    /// `requests` per `window`.
    pub const fn new(requests: u32, window: Duration) -> Rate {
        Rate { requests, window }
    }
}

/// The server's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `POST /api/v1/sync` requests per client.
    pub sync: Rate,
    /// Failed bearer authentications, code look-ups (enrolment) and operator sign-ins per client.
    pub guesses: Rate,
}

impl Default for Limits {
    /// 60 sync requests and 30 guesses per minute per client: far above what a phone or an admin page sends
    /// (the sync benchmark sends 10 requests), far below what guessing needs.
    fn default() -> Limits {
        Limits {
            sync: Rate::new(60, Duration::from_secs(60)),
            guesses: Rate::new(30, Duration::from_secs(60)),
        }
    }
}

/// Which budget a request spends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Budget {
    /// Sync requests.
    Sync,
    /// Attempts at a secret: failed bearer tokens, enrolment codes, operator credentials.
    Guesses,
}

/// Who is counted: an authenticated API token, an address, or the account a guess is aimed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Client {
    /// An API token's row id.
    Token(i64),
    /// An enrolled device whose signature verified: many devices behind one address (a warehouse's NAT) each
    /// have their own budget.
    Device(u32),
    /// A peer address (anonymous callers, and callers whose token did not authenticate).
    Ip(IpAddr),
    /// An operator sign-in identifier, whatever address tries it (SHA-256 of its trimmed lowercase form), so that
    /// many addresses cannot share out the guesses at one operator's pass code.
    Identifier([u8; 32]),
}

impl Client {
    /// The bucket of the sign-in identifier `identifier`.
    pub fn of_identifier(identifier: &str) -> Client {
        use sha2::{Digest, Sha256};
        Client::Identifier(Sha256::digest(identifier.trim().to_lowercase().as_bytes()).into())
    }

    /// A peer address, when the server knows it; without one (in-process calls) every caller shares one bucket.
    pub fn of_addr(addr: Option<SocketAddr>) -> Client {
        Client::Ip(addr.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip()))
    }

    /// The peer address of a request; requests without one (in-process calls) share one bucket.
    pub fn of_peer(parts: &Parts) -> Client {
        Client::Ip(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(addr)| {
                    addr.ip()
                }),
        )
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

struct Buckets {
    map: HashMap<(Budget, Client), Bucket>,
    pruned_at: Instant,
}

/// The shared buckets of every client.
#[derive(Clone)]
pub struct RateLimiter {
    limits: Limits,
    buckets: Arc<Mutex<Buckets>>,
}

impl RateLimiter {
    /// Empty buckets under these limits.
    pub fn new(limits: Limits) -> RateLimiter {
        RateLimiter {
            limits,
            buckets: Arc::new(Mutex::new(Buckets {
                map: HashMap::new(),
                pruned_at: Instant::now(),
            })),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn rate(&self, budget: Budget) -> Rate {
        match budget {
            Budget::Sync => self.limits.sync,
            Budget::Guesses => self.limits.guesses,
        }
    }

    /// Spends one from the client's budget, or 429 `rate_limited` with the seconds until one is back.
    pub fn spend(&self, budget: Budget, client: Client) -> Result<(), ApiError> {
        self.take(budget, client, 1.0)
    }

    /// 429 when the client's budget is empty, without spending: for checks that spend only on failure.
    pub fn check(&self, budget: Budget, client: Client) -> Result<(), ApiError> {
        self.take(budget, client, 0.0)
    }

    fn take(&self, budget: Budget, client: Client, cost: f64) -> Result<(), ApiError> {
        let rate = self.rate(budget);
        if rate.requests == 0 || rate.window.is_zero() {
            return Ok(());
        }
        let capacity = f64::from(rate.requests);
        let per_second = capacity / rate.window.as_secs_f64();
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update; the counts are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if now.duration_since(buckets.pruned_at) >= self.longest_window() {
            buckets.pruned_at = now;
            let limiter = self;
            buckets.map.retain(|(budget, _), bucket| {
                now.duration_since(bucket.at) < limiter.rate(*budget).window
            });
        }
        let bucket = buckets.map.entry((budget, client)).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refilled = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * per_second)
            .min(capacity);
        bucket.at = now;
        // `cost` 0 still needs one whole token left: an empty bucket refuses even checks.
        if refilled >= cost.max(1.0) {
            bucket.tokens = refilled - cost;
            Ok(())
        } else {
            bucket.tokens = refilled;
            let wait = ((1.0 - refilled) / per_second).ceil().max(1.0);
            Err(rate_limited(wait as u64, budget))
        }
    }

    /// Takes `cost` guesses (0 only checks) aimed at a sign-in identifier. With several server processes on one
    /// database (PostgreSQL), such a budget in each process's memory would hand an attacker one budget per
    /// replica for one operator's pass code, so there the bucket is the database's (`store::guesses`), shared by
    /// all; on SQLite (one process) it is the one in memory, like every other bucket.
    pub async fn take_identifier(
        &self,
        store: &Store,
        identifier: Client,
        cost: u32,
    ) -> Result<(), ApiError> {
        let rate = self.limits.guesses;
        let Client::Identifier(key) = identifier else {
            return self.take(Budget::Guesses, identifier, f64::from(cost));
        };
        if store.engine() == Engine::Sqlite {
            return self.take(Budget::Guesses, identifier, f64::from(cost));
        }
        if rate.requests == 0 || rate.window.is_zero() {
            return Ok(());
        }
        let budget = guesses::Budget {
            requests: rate.requests,
            window: rate.window,
        };
        match store.take_guesses(&key, budget, cost, now()).await? {
            None => Ok(()),
            Some(wait) => Err(rate_limited(wait, Budget::Guesses)),
        }
    }

    fn longest_window(&self) -> Duration {
        self.limits.sync.window.max(self.limits.guesses.window)
    }
}

fn rate_limited(retry_after: u64, budget: Budget) -> ApiError {
    let what = match budget {
        Budget::Sync => "sync requests",
        Budget::Guesses => "attempts with a token or code that did not work",
    };
    ApiError::server(
        ServerCode::RateLimited,
        format!("too many {what} from this client: try again in {retry_after} s"),
    )
    .with_retry_after(retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_with_the_wait() {
        let limiter = RateLimiter::new(Limits {
            sync: Rate::new(3, Duration::from_secs(30)),
            guesses: Rate::new(0, Duration::from_secs(30)),
        });
        let me = Client::Token(1);
        for _ in 0..3 {
            limiter.spend(Budget::Sync, me).unwrap();
        }
        let refused = limiter.spend(Budget::Sync, me).unwrap_err();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.code(), "rate_limited");
        assert_eq!(refused.retry_after(), Some(10));
        assert!(limiter.check(Budget::Sync, me).is_err());
        limiter.spend(Budget::Sync, Client::Token(2)).unwrap();
        // 0 requests: no limit.
        for _ in 0..100 {
            limiter.spend(Budget::Guesses, me).unwrap();
        }
    }
}
