//! The two engines behind one store: SQLite (the embedded default) and PostgreSQL (several replicas on one
//! database).
//!
//! Store functions are written once, in the SQL both engines share, with SQLite's `?` and `?N` placeholders. They
//! run on a [`Conn`] (a transaction) or a [`Pool`], sqlx's engine-neutral `Any` connections wrapped so that every
//! statement sent to PostgreSQL has its placeholders numbered the way PostgreSQL wants (`$N`) first. The few
//! statements that cannot be shared (token search, a list of ids) ask [`Conn::engine`] and say why where they do.

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream};
use futures_util::{FutureExt, StreamExt};
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::{Any, AnyPool, Describe, Either, Execute, Executor, Statement, Transaction};

/// Which database engine a connection talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// One SQLite file, one server process.
    Sqlite,
    /// A PostgreSQL database, shared by any number of server processes.
    Postgres,
}

impl Engine {
    /// The engine of a database URL: `postgres://` and `postgresql://` are PostgreSQL, anything else SQLite.
    pub fn of_url(url: &str) -> Engine {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }

    /// The statement as this engine reads it; `None` when it is already right as written (SQLite).
    fn translate(self, sql: &str) -> Option<String> {
        match self {
            Engine::Sqlite => None,
            Engine::Postgres => Some(numbered(sql)),
        }
    }

    /// The case-insensitive `LIKE`: SQLite's `LIKE` ignores ASCII case, PostgreSQL's does not (its `ILIKE` does,
    /// and is the one its trigram index serves).
    pub fn like(self) -> &'static str {
        match self {
            Engine::Sqlite => "LIKE",
            Engine::Postgres => "ILIKE",
        }
    }
}

/// SQLite's placeholders as PostgreSQL's: `?N` becomes `$N`, and a bare `?` takes the number after the highest
/// one so far (SQLite's own rule), so a statement means the same on both engines. Quoted text and identifiers are
/// left alone.
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut highest = 0u32;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(open) = quote {
            // A doubled quote closes and reopens: the text is copied either way.
            if c == open {
                quote = None;
            }
            out.push(c);
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '?' => {
                let mut number = None::<u32>;
                while let Some(digit) = chars.peek().and_then(|d| d.to_digit(10)) {
                    number = Some(number.unwrap_or(0).saturating_mul(10).saturating_add(digit));
                    chars.next();
                }
                let n = number.unwrap_or(highest + 1);
                highest = highest.max(n);
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

/// A connection inside a transaction: what every store function takes. Handlers get one from `Tx` by
/// dereference and never name the engine.
pub struct Conn {
    pub(super) inner: Transaction<'static, Any>,
    pub(super) engine: Engine,
}

impl Conn {
    /// The engine this transaction runs on, for the few statements that differ.
    pub fn engine(&self) -> Engine {
        self.engine
    }
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("engine", &self.engine)
            .finish()
    }
}

/// Connections outside a transaction, for tests that check (or change) the database behind the API's back and for
/// the store's own start-up statements.
#[derive(Clone, Debug)]
pub struct Pool {
    pub(super) inner: AnyPool,
    pub(super) engine: Engine,
}

impl Pool {
    /// The engine behind this pool.
    pub fn engine(&self) -> Engine {
        self.engine
    }
}

/// A statement whose text was rewritten for the engine, with the caller's arguments.
struct Rewritten<'q> {
    sql: &'q str,
    arguments: Option<AnyArguments<'q>>,
    persistent: bool,
}

impl<'q> Execute<'q, Any> for Rewritten<'q> {
    fn sql(&self) -> &'q str {
        self.sql
    }

    fn statement(&self) -> Option<&AnyStatement<'q>> {
        None
    }

    fn take_arguments(&mut self) -> Result<Option<AnyArguments<'q>>, sqlx::error::BoxDynError> {
        Ok(self.arguments.take())
    }

    fn persistent(&self) -> bool {
        self.persistent
    }
}

type Step = Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>;

/// Runs `query` on `inner`, rewritten for `engine` when it needs to be. A rewritten statement's text is owned
/// here, so its results are gathered before they are handed on: store statements read pages, never whole tables.
fn fetch_many<'e, 'q: 'e, X, E>(inner: X, engine: Engine, mut query: E) -> BoxStream<'e, Step>
where
    X: Executor<'e, Database = Any> + 'e,
    E: 'q + Execute<'q, Any>,
{
    let Some(sql) = engine.translate(query.sql()) else {
        return inner.fetch_many(query);
    };
    let persistent = query.persistent();
    let arguments = match query.take_arguments() {
        Ok(arguments) => arguments,
        Err(error) => return stream::once(async { Err(sqlx::Error::Encode(error)) }).boxed(),
    };
    stream::once(async move {
        let rewritten = Rewritten {
            sql: &sql,
            arguments,
            persistent,
        };
        inner.fetch_many(rewritten).collect::<Vec<Step>>().await
    })
    .flat_map(stream::iter)
    .boxed()
}

fn fetch_optional<'e, 'q: 'e, X, E>(
    inner: X,
    engine: Engine,
    mut query: E,
) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
where
    X: Executor<'e, Database = Any> + 'e,
    E: 'q + Execute<'q, Any>,
{
    let Some(sql) = engine.translate(query.sql()) else {
        return inner.fetch_optional(query);
    };
    let persistent = query.persistent();
    let arguments = query.take_arguments();
    async move {
        let rewritten = Rewritten {
            sql: &sql,
            arguments: arguments.map_err(sqlx::Error::Encode)?,
            persistent,
        };
        inner.fetch_optional(rewritten).await
    }
    .boxed()
}

fn prepare_with<'e, 'q: 'e, X>(
    inner: X,
    engine: Engine,
    sql: &'q str,
    parameters: &'e [AnyTypeInfo],
) -> BoxFuture<'e, Result<AnyStatement<'q>, sqlx::Error>>
where
    X: Executor<'e, Database = Any> + 'e,
{
    let Some(sql) = engine.translate(sql) else {
        return inner.prepare_with(sql, parameters);
    };
    async move {
        let statement = inner.prepare_with(&sql, parameters).await?;
        Ok(statement.to_owned())
    }
    .boxed()
}

fn describe<'e, 'q: 'e, X>(
    inner: X,
    engine: Engine,
    sql: &'q str,
) -> BoxFuture<'e, Result<Describe<Any>, sqlx::Error>>
where
    X: Executor<'e, Database = Any> + 'e,
{
    let Some(sql) = engine.translate(sql) else {
        return inner.describe(sql);
    };
    async move { inner.describe(&sql).await }.boxed()
}

/// The same four methods for a transaction and for a pool: each hands the statement to sqlx's own executor
/// through the engine's rewriting.
macro_rules! executor {
    ($lt:lifetime, $for:ty, $inner:ident => $get:expr) => {
        impl<$lt> Executor<$lt> for $for {
            type Database = Any;

            fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, Step>
            where
                $lt: 'e,
                E: 'q + Execute<'q, Any>,
            {
                let $inner = self;
                fetch_many($get, $inner.engine, query)
            }

            fn fetch_optional<'e, 'q: 'e, E>(
                self,
                query: E,
            ) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
            where
                $lt: 'e,
                E: 'q + Execute<'q, Any>,
            {
                let $inner = self;
                fetch_optional($get, $inner.engine, query)
            }

            fn prepare_with<'e, 'q: 'e>(
                self,
                sql: &'q str,
                parameters: &'e [AnyTypeInfo],
            ) -> BoxFuture<'e, Result<AnyStatement<'q>, sqlx::Error>>
            where
                $lt: 'e,
            {
                let $inner = self;
                prepare_with($get, $inner.engine, sql, parameters)
            }

            fn describe<'e, 'q: 'e>(
                self,
                sql: &'q str,
            ) -> BoxFuture<'e, Result<Describe<Any>, sqlx::Error>>
            where
                $lt: 'e,
            {
                let $inner = self;
                describe($get, $inner.engine, sql)
            }
        }
    };
}

executor!('c, &'c mut Conn, conn => &mut *conn.inner);
executor!('p, &'p Pool, pool => &pool.inner);

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_are_numbered_the_way_sqlite_numbers_them() {
        assert_eq!(numbered("a = ? AND b = ?"), "a = $1 AND b = $2");
        assert_eq!(
            numbered("a = ?2 OR ?1 IS NULL AND c = ?"),
            "a = $2 OR $1 IS NULL AND c = $3"
        );
        assert_eq!(
            numbered("name LIKE ?1 ESCAPE '\\' AND x = ?"),
            "name LIKE $1 ESCAPE '\\' AND x = $2"
        );
    }

    #[test]
    fn question_marks_in_quoted_text_stay() {
        assert_eq!(
            numbered("x = 'why?' AND \"a?\" = ?"),
            "x = 'why?' AND \"a?\" = $1"
        );
        assert_eq!(
            numbered("x = 'it''s?' AND y = ?"),
            "x = 'it''s?' AND y = $1"
        );
    }
}
