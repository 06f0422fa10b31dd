-- Guess budgets shared by every server process on one database (see store::guesses). A SQLite database has one
-- server process, whose buckets in memory are already exact, so this table stays empty here; it exists on both
-- engines so that their schemas stay one list of tables.
CREATE TABLE guess_buckets (
    key   BLOB    PRIMARY KEY,
    milli INTEGER NOT NULL,
    at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Rows whose bucket is full again (untouched for a window) are deleted by time.
CREATE INDEX guess_buckets_by_time ON guess_buckets (at);
