//! Device enrolment: one-time enrolment codes, stored only as keyed hashes (as action-token codes are), and the
//! certificate a device enrols with.

use fieldtoken_core::{Device, DeviceId, OrgId, Timestamp, TokenCode};

use super::bundle_log::Changed;
use super::{Conn, Result, org_key};
use crate::seal::MasterKey;

/// The keyed hash of an enrolment code, in a domain of its own so it never matches an action-token code's.
fn lookup(master: &MasterKey, code: &TokenCode) -> Vec<u8> {
    let mut input = b"fieldtoken/enrolment-code/".to_vec();
    input.extend_from_slice(&code.to_bytes());
    master.code_lookup(&input)
}

/// id, organisation, state, fleet, certificate.
type DeviceRow = (i64, i64, String, Option<i64>, Option<Vec<u8>>);

/// A device by id: only the organisation's when `org` is given.
pub async fn device(conn: &mut Conn, org: Option<OrgId>, id: i64) -> Result<Option<Device>> {
    let row: Option<DeviceRow> = sqlx::query_as(
        "SELECT id, org_id, state, fleet_id, certificate FROM devices WHERE id = ? AND (? IS NULL OR org_id = ?) AND retired_at IS NULL",
    )
    .bind(id)
    .bind(org.map(org_key))
    .bind(org.map(org_key))
    .fetch_optional(conn)
    .await?;
    row.map(|(id, org, state, fleet, certificate)| {
        super::devices::device_of_row(id, OrgId::from_i64(org)?, &state, fleet, certificate)
    })
    .transpose()
}

/// Stores a new enrolment code for the device, replacing its unused ones.
pub async fn replace_code(
    conn: &mut Conn,
    master: &MasterKey,
    device: &Device,
    code: &TokenCode,
    created_by: i64,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<()> {
    sqlx::query("DELETE FROM enrolment_codes WHERE device_id = ? AND used_at IS NULL")
        .bind(i64::from(device.id.get()))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO enrolment_codes (org_id, device_id, code_lookup, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(org_key(device.org))
    .bind(i64::from(device.id.get()))
    .bind(lookup(master, code))
    .bind(created_by)
    .bind(now.as_millis())
    .bind(expires_at.as_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored enrolment code.
#[derive(Clone, Copy, Debug)]
pub struct CodeRecord {
    /// Its row.
    pub id: i64,
    /// The device it enrols.
    pub device_id: DeviceId,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Whether a device enrolled with it already.
    pub used: bool,
}

/// The stored code this one is, if any.
pub async fn find_code(
    conn: &mut Conn,
    master: &MasterKey,
    code: &TokenCode,
) -> Result<Option<CodeRecord>> {
    let found: Option<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, device_id, expires_at, used_at FROM enrolment_codes WHERE code_lookup = ?",
    )
    .bind(lookup(master, code))
    .fetch_optional(conn)
    .await?;
    found
        .map(|(id, device_id, expires_at, used_at)| {
            Ok(CodeRecord {
                id,
                device_id: DeviceId::from_i64(device_id)?,
                expires_at: Timestamp::from_millis(expires_at),
                used: used_at.is_some(),
            })
        })
        .transpose()
}

/// Stores the device as the core enrolled it (its new certificate), spends the code, and marks the organisation's
/// offline bundle as changed.
pub async fn enrol(
    conn: &mut Conn,
    enrolled: &Device,
    code: &CodeRecord,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE devices SET certificate = ? WHERE id = ?")
        .bind(enrolled.certificate.map(|c| c.to_bytes().to_vec()))
        .bind(i64::from(enrolled.id.get()))
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE enrolment_codes SET used_at = ? WHERE id = ?")
        .bind(now.as_millis())
        .bind(code.id)
        .execute(&mut *conn)
        .await?;
    super::orgs::bump_revision(conn, enrolled.org, &[Changed::Device(enrolled.id)]).await
}
