//! What the offline bundle reads beside tokens, keys, fleets and devices (those come from their own modules): the
//! organisation's revision, the bundle's version.

use fieldtoken_core::OrgId;

use super::{Conn, Result, StoreError, org_key};

/// The organisation's revision: raised by every change a phone's offline checks depend on.
pub async fn revision(conn: &mut Conn, org: OrgId) -> Result<i64> {
    sqlx::query_scalar::<_, i64>("SELECT revision FROM organisations WHERE id = ?")
        .bind(org_key(org))
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::damaged(format!("organisation {org} is missing")))
}
