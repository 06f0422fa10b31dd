// Schemathesis against the real MDM: `node tests/schemathesis/run.mjs ST [ST_RUN_ARGS...]`.
//
// The plumbing only, shared with the end-to-end tests (`startServer`: the release MDM on a free loopback port
// over a fresh SQLite file, with an organisation seeded by `fieldtoken-mdm seed-demo`). What to test and how
// much (checks, seed, examples, workers) is decided by `cargo xtask schemathesis`, which passes it as
// ST_RUN_ARGS; which statuses count as right is in `schemathesis.toml` at the root.
//
// `st run <url>/api/openapi.json` runs as the organisation's admin (`Authorization: Bearer <admin token>`), so
// every operation is reached past its permission check. Exits with `st`'s own exit code.
import { spawn } from "node:child_process";
import { startServer } from "../e2e/support.mjs";

const [st, ...runArgs] = process.argv.slice(2);
if (!st) {
  console.error("usage: node tests/schemathesis/run.mjs ST [ST_RUN_ARGS...]");
  process.exit(2);
}

const server = await startServer({
  org: "Schemathesis",
  web: null,
  // 0 turns a limit off: with limits on, most of a fast run would be 429s and test nothing.
  serveArgs: ["--sync-limit", "0", "--guess-limit", "0"],
});
let code;
try {
  const schema = new URL("/api/openapi.json", server.url).href;
  const child = spawn(
    st,
    ["run", schema, "--header", `Authorization: Bearer ${server.admin.admin_token}`, ...runArgs],
    { stdio: "inherit" },
  );
  code = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
} finally {
  const { code: serverCode, signal } = await server.stop();
  // A server that did not stop cleanly on SIGTERM is a finding too (a panic, a hung shutdown).
  if (serverCode !== 0 && serverCode !== null) {
    console.error(`the MDM exited with code ${serverCode}${signal ? ` (${signal})` : ""}`);
    code ||= 1;
  }
}
process.exit(code);
