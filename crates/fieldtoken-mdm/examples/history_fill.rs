//! Fills the redemption history of a database's first organisation with N synthetic receipts, for `cargo xtask
//! bench history` (not part of the server). One bulk `INSERT ... SELECT` over a counter, in one transaction: a
//! million rows take seconds, where a million syncs would take most of an hour.
//!
//! The rows look like a large organisation's months: a thousand action tokens (the organisation's real ones among
//! them), 200,000 devices (its real ones among them), 500 operators, API tokens and devices as carriers, and mostly
//! applied outcomes with some rejected, superseded and duplicate ones, received 50 ms apart before now.
//!
//! usage: history_fill DB_URL N  (prints `{"org":..,"rows":..,"seconds":..}`)

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, count] = args.as_slice() else {
        return Err("usage: history_fill DB_URL N".into());
    };
    let count: i64 = count.parse()?;
    let store = fieldtoken_mdm::Store::open(url).await?;
    let pool = store.pool();
    let org: i64 = sqlx::query_scalar("SELECT MIN(id) FROM organisations")
        .fetch_one(pool)
        .await?;
    let now = fieldtoken_mdm::clock::now().as_millis();
    let began = std::time::Instant::now();
    let mut tx = store.write().await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO redemption_history (org_id, redemption_id, status, reason, token_id, device_id, scanned_at,
                                         received_at, carrier_kind, carrier_id)
         SELECT ?2, 'bench-' || i,
                CASE WHEN i % 20 = 0 THEN 'rejected' WHEN i % 33 = 0 THEN 'superseded'
                     WHEN i % 50 = 1 THEN 'duplicate' ELSE 'applied' END,
                CASE WHEN i % 20 = 0 THEN 'expired' END,
                1 + i % 1000,
                1 + (i * 7919) % 200000,
                ?3 - (?1 - i) * 50 - (i % 3600) * 1000,
                ?3 - (?1 - i) * 50,
                CASE WHEN i % 10 = 0 THEN 'api_token' WHEN i % 10 = 1 THEN 'device' ELSE 'operator' END,
                CASE WHEN i % 10 = 0 THEN 1 WHEN i % 10 = 1 THEN 1 + (i * 7919) % 200000 ELSE 1 + i % 500 END
           FROM n",
    )
    .bind(count)
    .bind(org)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // No ANALYZE: a server's database has no statistics either, and the plans must be right without them.
    println!(
        "{{\"org\":{org},\"rows\":{count},\"seconds\":{:.1}}}",
        began.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(())
}
