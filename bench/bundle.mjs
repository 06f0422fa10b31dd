// Issue 14's scale section: the offline bundle at 1,000, 10,000 and 100,000 devices and tokens, against the release
// MDM on loopback (a fresh SQLite file per size). For each size: the JSON bundle and the compact bundle as the
// server sends them (raw, gzip, brotli: bytes on the wire), the refresh after one token is created
// (`?format=compact&since=N`), and the time Node takes to build the package's `Verifier` from each form. At the
// largest size, 50 phones (each its own API token) fetch the full compact bundle at once, right after a change,
// while the server's resident memory is sampled.
//
// usage: node bench/bundle.mjs MDM_BINARY [SIZES, comma-separated]
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import http from "node:http";
import { loadavg } from "node:os";
import { initSync, Verifier, bundleInfo } from "fieldtoken";
import { startServer } from "../tests/e2e/support.mjs";

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });

const [mdm, sizes = "1000,10000,100000"] = process.argv.slice(2);
const SIZES = sizes.split(",").map(Number);
// Other work on this shared machine slows every figure alike: the report says how busy it was.
const LOAD = loadavg()[0].toFixed(1);
const PHONES = 50;

/** GET `path` as `token` with this Accept-Encoding; resolves to { status, bytes } as sent (not decoded). */
function raw(server, path, token, encoding = "identity") {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL(path, server.url), {
      headers: { authorization: `Bearer ${token}`, "accept-encoding": encoding },
      agent: false,
    }, (response) => {
      const chunks = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode, bytes: Buffer.concat(chunks), headers: response.headers }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const mib = (n) => `${(n / 1048576).toFixed(2)} MiB`;
const kib = (n) => (n < 10240 ? `${n.toLocaleString("en")} B` : `${(n / 1024).toFixed(0)} KiB`);

async function measure(size) {
  let server = await startServer({ org: `Bundle ${size}`, empty: true, mdm, web: null });
  try {
    const token = server.admin.admin_token;
    const api = async (method, path, body, expected) => {
      const { status, body: answer } = await server.api(method, path, body);
      if (status !== expected) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer).slice(0, 300)}`);
      return answer;
    };
    const fleets = [];
    for (const name of ["North", "South", "East"]) fleets.push(await api("POST", "/api/v1/fleets", { name }, 201));
    const lines = ["serial,fleet"];
    for (let n = 0; n < size; n++) lines.push(`FT-${String(n).padStart(7, "0")},${n % 4 === 3 ? "" : fleets[n % 4].name}`);
    await api("POST", "/api/v1/devices/import", { csv: lines.join("\n") }, 201);
    const expires_at = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    for (let n = 0; n < size; n += 500) {
      const items = Array.from({ length: Math.min(500, size - n) }, (_, i) => ({
        name: `Route ${n + i} · Depot ${(n + i) % 100}`,
        action: (n + i) % 2 ? { type: "put_in_stock" } : { type: "put_in_fleet", fleet_id: fleets[(n + i) % 3].id },
        expires_at,
      }));
      await api("POST", "/api/v1/action-tokens/batch", { items }, 201);
    }

    const row = { size };
    for (const [form, path] of [["json", "/api/v1/offline-bundle"], ["compact", "/api/v1/offline-bundle?format=compact"]]) {
      const sent = {};
      for (const encoding of ["identity", "gzip", "br"]) {
        const began = performance.now();
        const answer = await raw(server, path, token, encoding);
        if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
        sent[encoding] = { bytes: answer.bytes.length, ms: performance.now() - began, body: answer.bytes };
      }
      row[form] = sent;
    }
    // Verifier build time in Node, from each form as the phone holds it (median of 5).
    const jsonText = row.json.identity.body.toString("utf8");
    const compactBytes = new Uint8Array(row.compact.identity.body);
    const time = (build) => median(Array.from({ length: 5 }, () => {
      const began = performance.now();
      build().free();
      return performance.now() - began;
    }));
    row.verifierJson = time(() => new Verifier(jsonText));
    row.verifierCompact = time(() => Verifier.fromCompact(compactBytes));

    // One token created: the refresh from the version just downloaded.
    const version = bundleInfo(compactBytes).version;
    await api("POST", "/api/v1/action-tokens", { name: "One more", action: { type: "put_in_repair" }, expires_at }, 201);
    const refresh = {};
    for (const encoding of ["identity", "br"]) {
      const answer = await raw(server, `/api/v1/offline-bundle?format=compact&since=${version}`, token, encoding);
      if (answer.status !== 200) throw new Error(`refresh: ${answer.status}`);
      refresh[encoding] = answer.bytes.length;
      if (encoding === "identity" && bundleInfo(new Uint8Array(answer.bytes)).since !== version) throw new Error("not changes");
    }
    row.refresh = refresh;

    if (size === SIZES[SIZES.length - 1]) {
      // 50 phones, each its own credential, fetch the full bundle (each form in turn) at once from a server just started over
      // this database (its memory is then the bundle's, not what filling it or building the 27 MB JSON left), so
      // the first of them makes the server build and compress it while all wait.
      const phones = [];
      for (let i = 0; i < PHONES; i++) {
        const created = await api("POST", "/api/v1/api-tokens", { name: `phone ${i}`, permissions: ["fms.actiontoken.redeem"] }, 201);
        phones.push(created.token);
      }
      row.burst = {};
      for (const [form, path] of [["compact", "/api/v1/offline-bundle?format=compact"], ["json", "/api/v1/offline-bundle"]]) {
        await server.stop({ keep: true });
        const fresh = await startServer({ dir: server.dir, mdm, web: null });
        server = fresh;
        const before = rss(fresh.pid);
        let peak = before;
        const sampler = setInterval(() => { peak = Math.max(peak, rss(fresh.pid)); }, 20);
        const began = performance.now();
        const answers = await Promise.all(phones.map((p) => raw(fresh, path, p, "br, gzip")));
        const took = performance.now() - began;
        clearInterval(sampler);
        peak = Math.max(peak, rss(fresh.pid));
        row.burst[form] = {
          ok: answers.filter((a) => a.status === 200).length,
          statuses: [...new Set(answers.map((a) => a.status))],
          seconds: took / 1000,
          before,
          peak,
          bytes: answers[0].bytes.length,
        };
      }
    }
    for (const form of ["json", "compact"]) for (const e of Object.values(row[form])) delete e.body;
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await server.stop();
  }
}

const rows = [];
for (const size of SIZES) rows.push(await measure(size));
const big = rows[rows.length - 1];
const n = (x) => x.toLocaleString("en");
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench bundle\` (\`bench/bundle.mjs\`): the release MDM on loopback, a fresh SQLite`,
  "file per size, one organisation with N devices (one CSV import) and N action tokens (`POST /api/v1/action-tokens/batch`),",
  "half of them `put_in_fleet`. Sizes are the bytes the server sent for `Accept-Encoding: identity`, `gzip` and `br`",
  `(\`GET /api/v1/offline-bundle\`, and with \`?format=compact\`); load average ${LOAD} when the run started. Issue 14's targets are beside the figures.`,
  "",
  "| devices + tokens | JSON raw | JSON gzip | JSON br | compact raw | compact gzip | compact br (target <= 1 MB at 100k) | refresh after one change, raw / br (target <= 2 KB) |",
  "|---|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${n(r.size)} + ${n(r.size)} | ${mib(r.json.identity.bytes)} | ${mib(r.json.gzip.bytes)} | ${mib(r.json.br.bytes)} | ${mib(r.compact.identity.bytes)} | ${mib(r.compact.gzip.bytes)} | ${mib(r.compact.br.bytes)} | ${kib(r.refresh.identity)} / ${kib(r.refresh.br)} |`),
  "",
  `The compact bundle's floor is its code hashes: 16 random bytes per token (${mib(16 * big.size)} at ${n(big.size)} tokens), which no`,
  "compression shrinks (docs/FORMATS.md, \"Code directory\", says why 128 bits); the rest (ids, actions, expiries, names,",
  "serials) compresses to a few bytes per item. The 1 MB target is not met at 100,000 tokens without shorter hashes.",
  "",
  "`Verifier` built in Node from the bundle as a phone keeps it (median of 5; target < 100 ms at 100k):",
  "",
  "| devices + tokens | `new Verifier(json text)` | `Verifier.fromCompact(bytes)` |",
  "|---|---|---|",
  ...rows.map((r) => `| ${n(r.size)} + ${n(r.size)} | ${r.verifierJson.toFixed(1)} ms | ${r.verifierCompact.toFixed(1)} ms |`),
];
if (big.burst) {
  lines.push(
    "",
    `${PHONES} phones (each its own API token) fetching the full bundle at once at ${n(big.size)} + ${n(big.size)}, each form from a server just`,
    "restarted over that database (so the first request builds and compresses it while all wait; target: all 200, server RSS < 200 MB;",
    "issue 14 measured 18 of 50 answered 503 and 725 MB for the JSON before it was kept):",
    "",
    "| form | answered 200 | statuses | all answered in | server RSS before | server RSS peak (sampled every 20 ms) | bytes each (br) |",
    "|---|---|---|---|---|---|---|",
    ...Object.entries(big.burst).map(([form, b]) =>
      `| ${form} | ${b.ok} of ${PHONES} | ${b.statuses.join(", ")} | ${b.seconds.toFixed(2)} s | ${mib(b.before)} | ${mib(b.peak)} | ${mib(b.bytes)} |`),
  );
}
console.log(lines.join("\n"));
const START = "<!-- bench-bundle:start (written by cargo xtask bench; edits inside are replaced) -->";
const END = "<!-- bench-bundle:end -->";
const docPath = new URL("../docs/BENCHMARKS.md", import.meta.url);
let doc = readFileSync(docPath, "utf8");
if (!doc.includes(START)) doc += `\n## Offline bundle at scale\n\n${START}\n${END}\n`;
const from = doc.indexOf(START);
const to = doc.indexOf(END);
writeFileSync(docPath, doc.slice(0, from + START.length) + "\n" + lines.join("\n") + "\n" + doc.slice(to));
