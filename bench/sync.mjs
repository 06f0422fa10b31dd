// The sync budget of DESIGN: 10,000 queued redemptions synced to a local MDM, end to end, exactly once.
//
// A phone's day offline: 10,000 scans over the last hours, signed QR texts and typed codes mixed, on the
// demo organisation's devices, uploaded oldest first in batches of 1,000 (one request each, as the PWA
// does) by a signed-in client. Then the same queue again, as a phone that never heard the answers would:
// every item must come back `duplicate`, and nothing may be applied twice.
//
// usage: node bench/sync.mjs MDM_BINARY
import { readFileSync, writeFileSync } from "node:fs";
import { startServer } from "../tests/e2e/support.mjs";

const [mdm] = process.argv.slice(2);
const TOTAL = 10_000;
const BATCH = 1_000;

const server = await startServer({ org: "Bench", mdm, web: null });
try {
  const get = async (path) => {
    const { status, body } = await server.api("GET", path);
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${JSON.stringify(body)}`);
    return body;
  };
  const tokens = (await get("/api/v1/action-tokens")).items;
  const devices = (await get("/api/v1/devices")).items;
  const texts = tokens.flatMap((token) => [token.qr.new, token.code]);

  // A scan dated before its token was created is `clock`, and the tokens were seeded a moment ago: the queue starts
  // with the newest token and its scans are a millisecond apart (at most 10 s ahead, inside the 5 minutes allowed).
  const start = Math.max(...tokens.map((token) => Date.parse(token.created_at)));
  const queue = Array.from({ length: TOTAL }, (_, i) => ({
    id: `bench-${String(i).padStart(5, "0")}`,
    token: texts[i % texts.length],
    device_id: devices[i % devices.length].id,
    scanned_at: start + i,
  }));

  async function upload(label) {
    const counts = {};
    const batchTimes = [];
    const began = performance.now();
    for (let i = 0; i < queue.length; i += BATCH) {
      const sent = performance.now();
      const { status, body } = await server.api("POST", "/api/v1/sync", { redemptions: queue.slice(i, i + BATCH) });
      if (status !== 200) throw new Error(`${label}: sync answered ${status} ${JSON.stringify(body)}`);
      batchTimes.push(performance.now() - sent);
      for (const result of body.results) {
        const key = result.reason ? `${result.status}:${result.reason}` : result.status;
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
    const total = performance.now() - began;
    batchTimes.sort((a, b) => a - b);
    return { total, median: batchTimes[batchTimes.length >> 1], counts };
  }

  const first = await upload("first upload");
  const again = await upload("second upload");
  if (first.counts.applied !== TOTAL) throw new Error(`expected ${TOTAL} applied, got ${JSON.stringify(first.counts)}`);
  if (again.counts.duplicate !== TOTAL) throw new Error(`expected ${TOTAL} duplicates, got ${JSON.stringify(again.counts)}`);

  // Each device ends in the state of its newest scan: the last token that named it.
  for (const device of devices) {
    const newest = queue.findLast((r) => r.device_id === device.id);
    const token = tokens.find((t) => t.qr.new === newest.token || t.code === newest.token);
    const now = await get(`/api/v1/devices/${device.id}`);
    const expected = { put_in_fleet: "in_fleet", put_in_repair: "in_repair", put_in_stock: "in_stock" }[token.action.type];
    if (expected && now.state !== expected) throw new Error(`device ${device.id}: ${now.state}, expected ${expected}`);
  }

  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench\`: the release MDM on loopback, a fresh SQLite file,`,
    `${TOTAL.toLocaleString("en")} redemptions (signed QR texts and typed codes mixed, ${devices.length} devices) in batches of ${BATCH.toLocaleString("en")}, one request each, from one Node client.`,
    "",
    "| upload | redemptions | end to end | median per batch | redemptions per second | results |",
    "|---|---|---|---|---|---|",
    `| first | ${TOTAL} | ${seconds(first.total)} | ${first.median.toFixed(0)} ms | ${Math.round(TOTAL / (first.total / 1000))} | ${JSON.stringify(first.counts)} |`,
    `| the same queue again | ${TOTAL} | ${seconds(again.total)} | ${again.median.toFixed(0)} ms | ${Math.round(TOTAL / (again.total / 1000))} | ${JSON.stringify(again.counts)} |`,
    "",
    `Budget: under 5 s end to end, exactly once: ${seconds(first.total)}, every redemption applied once and a duplicate the second time, **${first.total < 5000 ? "met" : "missed"}**.`,
  ];
  const START = "<!-- bench-sync:start (written by cargo xtask bench; edits inside are replaced) -->";
  const END = "<!-- bench-sync:end -->";
  const docPath = new URL("../docs/BENCHMARKS.md", import.meta.url);
  let doc = readFileSync(docPath, "utf8");
  if (!doc.includes(START)) doc += `\n## Sync\n\n${START}\n${END}\n`;
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  writeFileSync(docPath, doc.slice(0, from + START.length) + "\n" + lines.join("\n") + "\n" + doc.slice(to));
  console.log(lines.join("\n"));
} finally {
  await server.stop();
}
