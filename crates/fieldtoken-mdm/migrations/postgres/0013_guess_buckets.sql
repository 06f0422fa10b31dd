-- Guess budgets shared by every replica (see store::guesses): one token bucket per key, in thousandths of a guess,
-- refilled from `at` (milliseconds) when next read.
CREATE TABLE guess_buckets (
    key   BYTEA  PRIMARY KEY,
    milli BIGINT NOT NULL,
    at    BIGINT NOT NULL
);

-- Rows whose bucket is full again (untouched for a window) are deleted by time.
CREATE INDEX guess_buckets_by_time ON guess_buckets (at);
