// Device imports (issue 19): CSV files of 10,000 and then 100,000 devices, each checked (the preview) and then
// registered (the all-or-nothing apply) through the real HTTP API of the release MDM on loopback, into a fresh
// SQLite file; then a page of the list, searched and filtered, at that size.
//
// usage: node bench/import.mjs MDM_BINARY
import { readFileSync, writeFileSync } from "node:fs";
import { startServer } from "../tests/e2e/support.mjs";

const [mdm] = process.argv.slice(2);
const server = await startServer({ org: "Bench import", empty: true, mdm, web: null });
try {
  const call = async (method, path, body, expected) => {
    const began = performance.now();
    const { status, body: answer } = await server.api(method, path, body);
    const ms = performance.now() - began;
    if (status !== expected) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer).slice(0, 500)}`);
    return { ms, answer };
  };
  const fleets = [];
  for (const name of ["North", "South", "East"]) {
    fleets.push((await call("POST", "/api/v1/fleets", { name }, 201)).answer);
  }

  const rows = [];
  for (const [label, count] of [["A", 10_000], ["B", 100_000]]) {
    const lines = ["serial,fleet"];
    for (let n = 0; n < count; n++) {
      const place = n % 4 === 3 ? "" : fleets[n % 4].name;
      lines.push(`${label}${String(n).padStart(6, "0")}-X,${place}`);
    }
    const csv = lines.join("\n");
    const preview = await call("POST", "/api/v1/devices/import/preview", { csv }, 200);
    if (preview.answer.ok !== count) throw new Error(`preview: ${JSON.stringify(preview.answer).slice(0, 500)}`);
    const apply = await call("POST", "/api/v1/devices/import", { csv }, 201);
    if (!apply.answer.applied || apply.answer.ok !== count) throw new Error(`apply: ${JSON.stringify(apply.answer).slice(0, 500)}`);
    rows.push({ count, bytes: Buffer.byteLength(csv), preview: preview.ms, apply: apply.ms });
  }

  const total = (await call("GET", "/api/v1/fleets", null, 200)).answer.items.reduce((sum, f) => sum + f.device_count, 0);
  if (total !== Math.round(110_000 * 3 / 4)) throw new Error(`the fleets hold ${total} devices`);
  // A page at 110,000 devices: the first, one deep in the list by cursor, a serial search and a fleet filter.
  const lists = [];
  const page = async (label, path) => {
    const times = [];
    let answer;
    for (let i = 0; i < 5; i++) {
      const run = await call("GET", path, null, 200);
      times.push(run.ms);
      answer = run.answer;
    }
    times.sort((a, b) => a - b);
    lists.push({ label, ms: times[2], items: answer.items.length });
    return answer;
  };
  const first = await page("first page", "/api/v1/devices?limit=50");
  await page("a page by cursor", `/api/v1/devices?limit=50&cursor=${first.next}`);
  await page("serial prefix search", "/api/v1/devices?limit=50&serial=B0999");
  await page("fleet filter", `/api/v1/devices?limit=50&fleet_id=${fleets[1].id}&serial=B05`);
  await page("state filter", "/api/v1/devices?limit=50&state=in_stock&serial=B07");

  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench\` (or \`cargo xtask bench import\`): the release MDM on loopback, a`,
    "fresh SQLite file, one Node client; each file is checked (`POST /api/v1/devices/import/preview`) and then registered",
    "(`POST /api/v1/devices/import`, one transaction, inserts of 500 rows a statement). The second file goes in on top of the first.",
    "",
    "| devices in the file | CSV size | preview | apply (check again, then insert) | devices per second (apply) |",
    "|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.count.toLocaleString("en")} | ${(r.bytes / 1024 / 1024).toFixed(1)} MiB | ${seconds(r.preview)} | ${seconds(r.apply)} | ${Math.round(r.count / (r.apply / 1000)).toLocaleString("en")} |`),
    "",
    "A page of `GET /api/v1/devices` with 110,000 devices in the organisation (median of 5):",
    "",
    "| request | time | devices |",
    "|---|---|---|",
    ...lists.map((l) => `| ${l.label} | ${l.ms.toFixed(1)} ms | ${l.items} |`),
  ];
  const START = "<!-- bench-import:start (written by cargo xtask bench; edits inside are replaced) -->";
  const END = "<!-- bench-import:end -->";
  const docPath = new URL("../docs/BENCHMARKS.md", import.meta.url);
  let doc = readFileSync(docPath, "utf8");
  if (!doc.includes(START)) doc += `\n## Device import\n\n${START}\n${END}\n`;
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  writeFileSync(docPath, doc.slice(0, from + START.length) + "\n" + lines.join("\n") + "\n" + doc.slice(to));
  console.log(lines.join("\n"));
} finally {
  await server.stop();
}
