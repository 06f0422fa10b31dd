// A shift-end burst against the release MDM: N clients (each its own API token holding `fms.actiontoken.redeem`,
// as each phone's operator is its own principal) sync their queues at once, while a monitor asks
// `GET /api/v1/health` every 20 ms. For 10, 100 and 500 clients it reports the answers the clients got (every
// redemption must end applied or superseded exactly once; any 503 is counted) and health's latency while the
// syncs ran, and writes the table into docs/BENCHMARKS.md.
//
// usage: node bench/burst.mjs MDM_BINARY
import { readFileSync, writeFileSync } from "node:fs";
import { startServer } from "../tests/e2e/support.mjs";

const [mdm] = process.argv.slice(2);
const SCENARIOS = [
  { clients: 10, batches: 5, batch: 200 },
  { clients: 100, batches: 3, batch: 200 },
  { clients: 500, batches: 1, batch: 200 },
];

async function burst({ clients, batches, batch }) {
  const server = await startServer({ org: "Burst", mdm, web: null });
  try {
    const tokens = (await server.api("GET", "/api/v1/action-tokens")).body.items;
    const devices = (await server.api("GET", "/api/v1/devices")).body.items;
    const texts = tokens.flatMap((token) => [token.qr.new, token.code]);
    const start = Math.max(...tokens.map((token) => Date.parse(token.created_at)));
    const credentials = [];
    for (let c = 0; c < clients; c++) {
      const { status, body } = await server.api("POST", "/api/v1/api-tokens", { name: `phone ${c}`, permissions: ["fms.actiontoken.redeem"] });
      if (status !== 201) throw new Error(`api token: ${status} ${JSON.stringify(body)}`);
      credentials.push(body.token);
    }

    let running = true;
    const health = [];
    const monitor = (async () => {
      while (running) {
        const sent = performance.now();
        const response = await fetch(new URL("/api/v1/health", server.url));
        await response.arrayBuffer();
        health.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const outcomes = {};
    const statuses = {};
    const began = performance.now();
    await Promise.all(credentials.map(async (token, c) => {
      for (let b = 0; b < batches; b++) {
        const redemptions = Array.from({ length: batch }, (_, i) => {
          const n = (c * batches + b) * batch + i;
          return { id: `burst-${c}-${b}-${i}`, token: texts[n % texts.length], device_id: devices[n % devices.length].id, scanned_at: start + n };
        });
        const { status, body } = await server.api("POST", "/api/v1/sync", { redemptions }, token);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) for (const r of body.results) outcomes[r.status] = (outcomes[r.status] ?? 0) + 1;
      }
    }));
    const elapsed = performance.now() - began;
    running = false;
    await monitor;
    const total = clients * batches * batch;
    const landed = (outcomes.applied ?? 0) + (outcomes.superseded ?? 0);
    if ((statuses[200] ?? 0) * batch !== landed) {
      throw new Error(`${clients} clients: answers ${JSON.stringify(statuses)} but outcomes ${JSON.stringify(outcomes)}`);
    }
    health.sort((a, b) => a - b);
    const at = (q) => health[Math.min(health.length - 1, Math.floor(q * health.length))];
    return { clients, batches, batch, total, elapsed, statuses, outcomes, health: { n: health.length, p50: at(0.5), p99: at(0.99) } };
  } finally {
    await server.stop();
  }
}

const rows = [];
for (const scenario of SCENARIOS) {
  const r = await burst(scenario);
  console.log(JSON.stringify(r));
  rows.push(`| ${r.clients} | ${r.batches} x ${r.batch} | ${r.total.toLocaleString("en")} | ${(r.elapsed / 1000).toFixed(2)} s | ${Math.round(r.total / (r.elapsed / 1000)).toLocaleString("en")} | ${Object.entries(r.statuses).map(([s, n]) => `${n} x ${s}`).join(", ")} | ${(r.outcomes.applied ?? 0).toLocaleString("en")} / ${(r.outcomes.superseded ?? 0).toLocaleString("en")} | ${r.health.p50.toFixed(1)} ms | ${r.health.p99.toFixed(1)} ms (${r.health.n} asked) |`);
}
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench\` (\`bench/burst.mjs\`): the release MDM on loopback, a fresh SQLite file per row, the demo`,
  "organisation's devices; every client is its own API token holding `fms.actiontoken.redeem` and sends its batches one after another, all clients at once.",
  "Writers queue inside the server for SQLite's one write connection; reads and health have their own pool.",
  "",
  "| clients | batches x redemptions | redemptions | all synced | redemptions per second | answers | applied / superseded | health p50 | health p99 |",
  "|---|---|---|---|---|---|---|---|---|",
  ...rows,
  "",
  "Every redemption of every 200 answer ends applied or superseded (latest scan wins) exactly once; the script fails otherwise.",
];
const START = "<!-- bench-burst:start (written by cargo xtask bench; edits inside are replaced) -->";
const END = "<!-- bench-burst:end -->";
const docPath = new URL("../docs/BENCHMARKS.md", import.meta.url);
let doc = readFileSync(docPath, "utf8");
if (!doc.includes(START)) doc += `\n## Shift-end burst\n\n${START}\n${END}\n`;
const from = doc.indexOf(START);
const to = doc.indexOf(END);
writeFileSync(docPath, doc.slice(0, from + START.length) + "\n" + lines.join("\n") + "\n" + doc.slice(to));
console.log(lines.join("\n"));
