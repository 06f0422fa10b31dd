// What every end-to-end test needs: the real MDM (release build, fresh SQLite file, serving the release
// PWA) on a free loopback port, and Debian's Chromium driven by playwright-core with a fresh profile.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const ROOT = new URL("../..", import.meta.url).pathname;
export const MDM = process.env.FIELDTOKEN_MDM ?? join(ROOT, "target/release/fieldtoken-mdm");
export const DIST = process.env.FIELDTOKEN_DIST ?? join(ROOT, "dist");
export const CHROMIUM = process.env.FIELDTOKEN_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = process.env.FIELDTOKEN_ARTIFACTS ?? join(ROOT, "target/e2e-artifacts");

/** The flags this machine needs (root, no GPU, closed network) and nothing that changes app behaviour. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--no-first-run",
];

/**
 * Starts the MDM; resolves once it printed its address. `stop()` sends SIGTERM and waits for a clean exit.
 * With `{ org }`, `fieldtoken-mdm seed-demo` first creates that organisation, and `admin` is its answer
 * (`{ org, admin_token }`). `mdm` and `web` default to the release build; `web: null` serves no PWA.
 * `serveArgs` are added to `serve` (e.g. tighter limits).
 */
export async function startServer({ org, mdm = MDM, web = DIST, serveArgs = [] } = {}) {
  const needs = [["MDM binary", mdm], ...(web ? [["built PWA", join(web, "index.html")]] : [])];
  for (const [what, path] of needs) {
    if (!existsSync(path)) throw new Error(`${what} missing at ${path}: run \`cargo xtask test\``);
  }
  const dir = mkdtempSync(join(tmpdir(), "fieldtoken-e2e-"));
  const db = `sqlite://${join(dir, "mdm.db")}`;
  const admin = org ? JSON.parse(execFileSync(mdm, ["seed-demo", "--org", org, "--db", db], { encoding: "utf8" })) : null;
  const child = spawn(
    mdm,
    ["serve", "--listen", "127.0.0.1:0", "--db", db, "--web", web || join(dir, "no-pwa"), ...serveArgs],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
  );
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the MDM exited before listening (code ${code})`)));
  });
  let exited = false;
  const exit = new Promise((resolve) => child.once("exit", (code, signal) => { exited = true; resolve({ code, signal }); }));
  return {
    url,
    admin,
    /** Calls the API as `token` (default: the seeded admin; `null`: anonymous); resolves to `{ status, body }`. */
    async api(method, path, body, token = admin?.admin_token) {
      const response = await fetch(new URL(path, url), {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      if (!exited) child.kill("SIGTERM");
      const result = await exit;
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
}

/** A fresh Chromium profile; `close()` removes it. */
export async function startBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium missing at ${CHROMIUM}: apt-get install chromium chromium-driver`);
  }
  const profile = mkdtempSync(join(tmpdir(), "fieldtoken-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 412, height: 860 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot as a test artifact (target/e2e-artifacts/NAME.png). */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
