// Token search (`GET /api/v1/action-tokens?q=`) at 100,000 tokens in one organisation, against the release MDM:
// the first page for a name found in 1 % of the tokens, in one token, and in none (the worst case for a scan).
//
// usage: node bench/search.mjs MDM_BINARY [TOKENS]
import { readFileSync, writeFileSync } from "node:fs";
import { startServer } from "../tests/e2e/support.mjs";

const [mdm, total = "100000"] = process.argv.slice(2);
const TOTAL = Number(total);
const BATCH = 500;

const server = await startServer({ org: "Search", mdm, web: null });
try {
  const expires_at = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  const began = performance.now();
  for (let n = 0; n < TOTAL; n += BATCH) {
    const items = Array.from({ length: Math.min(BATCH, TOTAL - n) }, (_, i) => ({
      name: `Route ${n + i} · Depot ${(n + i) % 100}`,
      action: { type: "put_in_stock" },
      expires_at,
    }));
    const { status, body } = await server.api("POST", "/api/v1/action-tokens/batch", { items });
    if (status !== 201) throw new Error(`batch: ${status} ${JSON.stringify(body)}`);
  }
  const filled = (performance.now() - began) / 1000;
  const rows = [];
  for (const [label, q] of [["1 % of the tokens", "Depot 42"], ["one token", `Route ${TOTAL - 7} `], ["no token", "Warehouse"]]) {
    const times = [];
    let found = 0;
    for (let i = 0; i < 21; i++) {
      const sent = performance.now();
      const { status, body } = await server.api("GET", `/api/v1/action-tokens?q=${encodeURIComponent(q)}`);
      if (status !== 200) throw new Error(`search: ${status}`);
      times.push(performance.now() - sent);
      found = body.items.length;
    }
    times.sort((a, b) => a - b);
    rows.push({ label, q, found, median: times[10], p95: times[19] });
  }
  console.log(JSON.stringify({ tokens: TOTAL, filled_s: +filled.toFixed(1), rows }, null, 1));
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench\` (\`bench/search.mjs\`): the release MDM on loopback, a fresh SQLite file with`,
    `${TOTAL.toLocaleString("en")} action tokens in one organisation (made by \`POST /api/v1/action-tokens/batch\`, 500 a request, in ${filled.toFixed(1)} s), named`,
    "`Route N · Depot N mod 100`; the first page (50) of `GET /api/v1/action-tokens?q=`, 21 times each, one Node client.",
    "",
    "| search | q | tokens on the page | median | 95th percentile |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| found in ${r.label} | \`${r.q.trim()}\` | ${r.found} | ${r.median.toFixed(1)} ms | ${r.p95.toFixed(1)} ms |`),
  ];
  const START = "<!-- bench-search:start (written by cargo xtask bench; edits inside are replaced) -->";
  const END = "<!-- bench-search:end -->";
  const docPath = new URL("../docs/BENCHMARKS.md", import.meta.url);
  let doc = readFileSync(docPath, "utf8");
  if (!doc.includes(START)) doc += `\n## Token search\n\n${START}\n${END}\n`;
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  writeFileSync(docPath, doc.slice(0, from + START.length) + "\n" + lines.join("\n") + "\n" + doc.slice(to));
} finally {
  await server.stop();
}
