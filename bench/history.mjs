// The redemption history at scale (issue 19): 1,000,000 receipts in one organisation, then the first page of
// `GET /api/v1/redemptions` filtered as the admin pages filter it, timed over HTTP against the release MDM.
//
// The history is filled behind the API's back by the `history_fill` example (a bulk insert: a million syncs would
// take most of an hour), into the fresh SQLite file of a server started here; the server's own queries then read it.
//
// usage: node bench/history.mjs MDM_BINARY HISTORY_FILL_BINARY REPORT_FILE [ROWS]
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { startServer } from "../tests/e2e/support.mjs";

const [mdm, fill, report, rowsArg] = process.argv.slice(2);
const ROWS = Number(rowsArg ?? 1_000_000);
const RUNS = 30;

const server = await startServer({ org: "Bench", mdm, web: null });
try {
  const filled = JSON.parse(execFileSync(fill, [server.db, String(ROWS)], { encoding: "utf8" }));
  const get = async (path) => {
    const { status, body } = await server.api("GET", path);
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${JSON.stringify(body)}`);
    return body;
  };
  const tokens = (await get("/api/v1/action-tokens")).items;
  const devices = (await get("/api/v1/devices")).items;
  const token = tokens[tokens.length - 1].id;
  const device = devices[0].id;
  const newest = (await get("/api/v1/redemptions?limit=1")).items[0];
  const hourAgo = new Date(Date.parse(newest.received_at) - 3_600_000).toISOString();
  const twoHoursAgo = new Date(Date.parse(newest.received_at) - 7_200_000).toISOString();
  const firstByToken = await get(`/api/v1/redemptions?token=${token}`);

  const queries = [
    ["first page, no filter", "/api/v1/redemptions"],
    [`by token (${token})`, `/api/v1/redemptions?token=${token}`],
    [`by token, second page`, `/api/v1/redemptions?token=${token}&cursor=${firstByToken.next}`],
    [`by device (${device})`, `/api/v1/redemptions?device=${device}`],
    ["by operator (operator:7)", "/api/v1/redemptions?carrier=operator:7"],
    ["by outcome (rejected)", "/api/v1/redemptions?outcome=rejected"],
    ["received in one hour, two hours ago", `/api/v1/redemptions?from=${twoHoursAgo}&to=${hourAgo}`],
    [`by token and time range`, `/api/v1/redemptions?token=${token}&from=${twoHoursAgo}&to=${hourAgo}`],
    ["200 per page, by operator", "/api/v1/redemptions?carrier=operator:7&limit=200"],
  ];
  const rows = [];
  for (const [label, path] of queries) {
    let items = 0;
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const began = performance.now();
      const page = await get(path);
      times.push(performance.now() - began);
      items = page.items.length;
    }
    if (items === 0) throw new Error(`${label}: no entries, the fill did not reach this filter`);
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
    rows.push(`| ${label} | ${items} | ${at(0.5)} ms | ${at(0.95)} ms |`);
  }
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench history\`: the release MDM on loopback, a fresh SQLite`,
    `file holding **${ROWS.toLocaleString("en")}** redemption history rows of one organisation (filled by the \`history_fill\``,
    `example in ${filled.seconds} s: 1,000 tokens, 200,000 devices, 500 operators), no \`ANALYZE\` statistics. Each query is`,
    `\`GET\` over HTTP from one Node client, ${RUNS} times; the time is the whole request (authentication, query, JSON).`,
    "",
    "| first page of | entries | median | 95th percentile |",
    "|---|---|---|---|",
    ...rows,
  ];
  writeFileSync(report, lines.join("\n") + "\n");
  console.log(lines.join("\n"));
} finally {
  await server.stop();
}
