// Issue 13: a shift end of 100,000 redemptions from 8 clients, on one MDM over SQLite beside several MDM replicas
// over one PostgreSQL database (the release binary each time, on loopback).
//
// Each client is its own API token holding `fms.actiontoken.redeem` (a phone's credential) and sends its share in
// batches of 500, one after another, all clients at once; with several replicas each batch goes to the next
// replica in turn, as a round-robin load balancer would send it. A 503 (a replica's writer queue full) is retried
// after its Retry-After, as a phone does, and counted. Every redemption must end applied or superseded exactly
// once, or the script fails.
//
// usage: FIELDTOKEN_BENCH_POSTGRES_1=URL FIELDTOKEN_BENCH_POSTGRES_3=URL node bench/replicas.mjs MDM_BINARY REPORT_FILE
//   the two URLs name empty PostgreSQL databases (for 1 and for 3 replicas; in the environment, as they hold a
//   password); `cargo xtask bench replicas` makes them on a throw-away cluster.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const [mdm, report] = process.argv.slice(2);
const postgresOne = process.env.FIELDTOKEN_BENCH_POSTGRES_1;
const postgresThree = process.env.FIELDTOKEN_BENCH_POSTGRES_3;
if (!report || !postgresOne || !postgresThree) {
  throw new Error("usage: FIELDTOKEN_BENCH_POSTGRES_1=URL FIELDTOKEN_BENCH_POSTGRES_3=URL node bench/replicas.mjs MDM_BINARY REPORT_FILE");
}

const CLIENTS = 8;
const TOTAL = 100_000;
const BATCH = 500;
const BATCHES = TOTAL / CLIENTS / BATCH;
// Replicas behind one load balancer share one public address (signed QR texts name it).
const PUBLIC_URL = "https://mdm.example.com";

/** Starts `replicas` MDM processes on `db` (created and seeded first); `stop()` ends them and removes the folder. */
async function deployment(db, replicas) {
  const dir = mkdtempSync(join(tmpdir(), "fieldtoken-bench-replicas-"));
  const url = db ?? `sqlite://${join(dir, "mdm.db")}`;
  const key = ["--master-key", join(dir, "master.key")];
  const admin = JSON.parse(execFileSync(mdm, ["seed-demo", "--org", "Bench", "--db", url, ...key], { encoding: "utf8" }));
  const children = [];
  const urls = [];
  for (let r = 0; r < replicas; r++) {
    const child = spawn(
      mdm,
      ["serve", "--listen", "127.0.0.1:0", "--db", url, "--web", join(dir, "no-pwa"), "--public-url", PUBLIC_URL, ...key],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
    );
    children.push(child);
    urls.push(await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`replica ${r} exited before listening (code ${code})`)));
    }));
  }
  return {
    urls,
    admin: admin.admin_token,
    async stop() {
      await Promise.all(children.map((child) => new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      })));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function api(base, method, path, token, body) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function run({ engine, db, replicas }) {
  const server = await deployment(db, replicas);
  try {
    const base = server.urls[0];
    const tokens = (await api(base, "GET", "/api/v1/action-tokens", server.admin)).body.items;
    const devices = (await api(base, "GET", "/api/v1/devices", server.admin)).body.items;
    const texts = tokens.flatMap((token) => [token.qr.new, token.code]);
    // Scans are dated from the newest token's creation on, a millisecond apart (at most 100 s ahead, inside the
    // 5 minutes allowed): a scan dated before its token existed would be `clock`.
    const start = Math.max(...tokens.map((token) => Date.parse(token.created_at)));
    const phones = [];
    for (let c = 0; c < CLIENTS; c++) {
      const { status, body } = await api(base, "POST", "/api/v1/api-tokens", server.admin, { name: `phone ${c}`, permissions: ["fms.actiontoken.redeem"] });
      if (status !== 201) throw new Error(`api token: ${status} ${JSON.stringify(body)}`);
      phones.push(body.token);
    }

    const outcomes = {};
    const statuses = {};
    const latencies = [];
    const decided = new Set();
    let retries = 0;
    let turn = 0;
    const began = performance.now();
    await Promise.all(phones.map(async (phone, c) => {
      for (let b = 0; b < BATCHES; b++) {
        const redemptions = Array.from({ length: BATCH }, (_, i) => {
          const n = (c * BATCHES + b) * BATCH + i;
          return { id: `shift-${c}-${b}-${i}`, token: texts[n % texts.length], device_id: devices[n % devices.length].id, scanned_at: start + n };
        });
        for (;;) {
          const replica = server.urls[turn++ % server.urls.length];
          const sent = performance.now();
          const { status, headers, body } = await api(replica, "POST", "/api/v1/sync", phone, { redemptions });
          latencies.push(performance.now() - sent);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 503) {
            retries++;
            await new Promise((resolve) => setTimeout(resolve, 1000 * Number(headers.get("retry-after") ?? 1)));
            continue;
          }
          if (status !== 200) throw new Error(`${engine}: sync answered ${status} ${JSON.stringify(body)}`);
          for (const r of body.results) {
            outcomes[r.status] = (outcomes[r.status] ?? 0) + 1;
            if (r.status === "applied" || r.status === "superseded") {
              if (decided.has(r.id)) throw new Error(`${engine}: ${r.id} decided twice`);
              decided.add(r.id);
            }
          }
          break;
        }
      }
    }));
    const elapsed = performance.now() - began;
    if (decided.size !== TOTAL) throw new Error(`${engine}: ${decided.size} of ${TOTAL} decided: ${JSON.stringify(outcomes)}`);
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return { engine, replicas, elapsed, statuses, outcomes, retries, p50: at(0.5), p99: at(0.99) };
  } finally {
    await server.stop();
  }
}

const load = loadavg()[0].toFixed(1);
const rows = [];
for (const scenario of [
  { engine: "SQLite", db: null, replicas: 1 },
  { engine: "PostgreSQL", db: postgresOne, replicas: 1 },
  { engine: "PostgreSQL", db: postgresThree, replicas: 3 },
]) {
  const r = await run(scenario);
  console.log(JSON.stringify(r));
  rows.push(`| ${r.engine} | ${r.replicas} | ${(r.elapsed / 1000).toFixed(1)} s | ${Math.round(TOTAL / (r.elapsed / 1000)).toLocaleString("en")} | ${r.p50.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${Object.entries(r.statuses).map(([s, n]) => `${n} x ${s}`).join(", ")} | ${(r.outcomes.applied ?? 0).toLocaleString("en")} / ${(r.outcomes.superseded ?? 0).toLocaleString("en")} |`);
}
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench replicas\` (\`bench/replicas.mjs\`): the release MDM on loopback; SQLite in a fresh file,`,
  "PostgreSQL in a fresh database of a throw-away cluster with its durable defaults (`xtask/src/postgres.rs`), all on the same machine as the clients",
  `(${cpus().length} cores of ${cpus()[0]?.model ?? "an unknown CPU"}; load average ${load} when the run started: other work on the machine slows every row alike).`,
  `${TOTAL.toLocaleString("en")} redemptions from ${CLIENTS} clients (each its own API token holding \`fms.actiontoken.redeem\`), ${BATCHES} batches of ${BATCH} each, sent one after another,`,
  "all clients at once; with 3 replicas the batches go to the replicas in turn. Every redemption ends applied or superseded exactly once (the script fails otherwise).",
  "",
  "| engine | replicas | all synced | redemptions per second | batch p50 | batch p99 | answers | applied / superseded |",
  "|---|---|---|---|---|---|---|---|",
  ...rows,
];
writeFileSync(report, lines.join("\n") + "\n");
console.log(lines.join("\n"));
