//! Guess budgets in the database, for budgets that must hold across server processes: with several replicas on
//! one PostgreSQL database, a budget kept in each process's memory would give an attacker one budget per replica.
//! Used for the guesses aimed at one operator's sign-in identifier (see `http::limits`); a SQLite database has one
//! server process, whose buckets in memory are exact, and never calls this.
//!
//! A bucket holds up to `requests` guesses, kept in thousandths so that a refill of a fraction of a guess per
//! millisecond stays exact in integers, and refills `requests` per `window`. Taking reads the bucket under a row
//! lock, so two replicas taking from one bucket at once take one after the other.

use std::time::Duration;

use fieldtoken_core::Timestamp;

use super::{Result, Store};

/// Thousandths per guess.
const MILLI: i64 = 1000;

/// A bucket's budget: `requests` guesses, refilled `requests` per `window`.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// The burst, and the refill per window.
    pub requests: u32,
    /// The refill period.
    pub window: Duration,
}

impl Store {
    /// Takes `cost` guesses (0 only checks) from the shared bucket `key` at `now`: `None` when there was at least
    /// one guess left, else the seconds until one is back (and nothing is taken).
    pub async fn take_guesses(
        &self,
        key: &[u8],
        budget: Budget,
        cost: u32,
        now: Timestamp,
    ) -> Result<Option<u64>> {
        let capacity = i64::from(budget.requests) * MILLI;
        let window = i64::try_from(budget.window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1);
        let now = now.as_millis();
        // Its own short transaction on a reader's connection: a guess is answered without waiting behind the
        // writers' queue, and the row lock (not the write lock) orders the replicas.
        let mut conn = super::Conn {
            inner: self.readers.inner.begin().await?,
            engine: self.readers.engine,
        };
        // A bucket untouched for a window is full again, the same as no row: such rows go, so guesses at many
        // identifiers do not grow the table without end.
        sqlx::query("DELETE FROM guess_buckets WHERE at < ?")
            .bind(now.saturating_sub(window))
            .execute(&mut conn)
            .await?;
        sqlx::query(
            "INSERT INTO guess_buckets (key, milli, at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key.to_vec())
        .bind(capacity)
        .bind(now)
        .execute(&mut conn)
        .await?;
        let (milli, at): (i64, i64) =
            sqlx::query_as("SELECT milli, at FROM guess_buckets WHERE key = ? FOR UPDATE")
                .bind(key.to_vec())
                .fetch_one(&mut conn)
                .await?;
        let elapsed = now.saturating_sub(at).max(0);
        let refilled = milli
            .saturating_add(elapsed.saturating_mul(capacity) / window)
            .min(capacity);
        let (left, wait) = if refilled >= MILLI {
            (refilled - i64::from(cost) * MILLI, None)
        } else {
            // Until one whole guess is back, in whole seconds (at least 1).
            let missing = u64::try_from((MILLI - refilled) * window).unwrap_or(u64::MAX);
            let capacity = u64::try_from(capacity).unwrap_or(1).max(1);
            let seconds = missing.div_ceil(capacity).div_ceil(1000).max(1);
            (refilled, Some(seconds))
        };
        sqlx::query("UPDATE guess_buckets SET milli = ?, at = ? WHERE key = ?")
            .bind(left)
            .bind(now.max(at))
            .bind(key.to_vec())
            .execute(&mut conn)
            .await?;
        conn.inner.commit().await?;
        Ok(wait)
    }
}
