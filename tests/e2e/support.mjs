// What every end-to-end test needs: the real MDM (release build, fresh SQLite file, serving the release
// PWA) on a free loopback port, and Debian's Chromium driven by playwright-core with a fresh profile.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { decodePng } from "../node/png.mjs";

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
 * (`{ org, admin_token }`); with `{ org, empty: true }`, `fieldtoken-mdm org create` makes it instead, with nothing
 * in it but that admin token. `mdm` and `web` default to the release build; `web: null` serves no PWA.
 * `serveArgs` are added to `serve` (e.g. tighter limits).
 */
export async function startServer({ org, empty = false, mdm = MDM, web = DIST, serveArgs = [], dir: reuse } = {}) {
  const needs = [["MDM binary", mdm], ...(web ? [["built PWA", join(web, "index.html")]] : [])];
  for (const [what, path] of needs) {
    if (!existsSync(path)) throw new Error(`${what} missing at ${path}: run \`cargo xtask test\``);
  }
  // `dir`: the folder of a server stopped with `stop({ keep: true })`, to start again over its database.
  const dir = reuse ?? mkdtempSync(join(tmpdir(), "fieldtoken-e2e-"));
  // FIELDTOKEN_TEST_DATABASE (a PostgreSQL URL, set by `cargo xtask schemathesis --postgres`) puts this server on
  // that database instead of a fresh SQLite file; its master key still lies in the temporary folder.
  const shared = process.env.FIELDTOKEN_TEST_DATABASE;
  const db = shared || `sqlite://${join(dir, "mdm.db")}`;
  const keyArgs = shared ? ["--master-key", join(dir, "master.key")] : [];
  const create = empty ? ["org", "create", "--name", org, "--db", db] : ["seed-demo", "--org", org, "--db", db];
  const admin = org ? JSON.parse(execFileSync(mdm, [...create, ...keyArgs], { encoding: "utf8" })) : null;
  const child = spawn(
    mdm,
    ["serve", "--listen", "127.0.0.1:0", "--db", db, ...keyArgs, "--web", web || join(dir, "no-pwa"), ...serveArgs],
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
    /** The SQLite URL of its database (benchmarks fill it behind the API's back). */
    db,
    /** The server's process id (benchmarks read its memory from /proc). */
    pid: child.pid,
    /** Its folder (database and master key). */
    dir,
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
    async stop({ keep = false } = {}) {
      if (!exited) child.kill("SIGTERM");
      const result = await exit;
      if (!keep) rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
}

/** Chromium's fake back camera playing `video` (a Y4M file) in a loop: this machine has no camera. */
export const cameraArgs = (video) => [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  `--use-file-for-fake-video-capture=${video}`,
];

/** A fresh Chromium profile, with `args` added to CHROMIUM_ARGS; `close()` removes it. */
export async function startBrowser(args = []) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium missing at ${CHROMIUM}: apt-get install chromium chromium-driver`);
  }
  const profile = mkdtempSync(join(tmpdir(), "fieldtoken-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    viewport: { width: 412, height: 860 },
  });
  // The MDM's Content-Security-Policy must never stop the PWA: any violation, in a page or its workers, fails
  // the test at `close()`. Chromium reports each on the console; the event listener catches what it words
  // differently.
  const violations = [];
  const csp = /Content[- ]Security[- ]Policy|CSP violation/i;
  const watchConsole = (source, where) => source.on("console", (message) => {
    if (csp.test(message.text())) violations.push(`${where()}: ${message.text()}`);
  });
  const watch = (page) => {
    watchConsole(page, () => page.url());
    page.on("worker", (worker) => watchConsole(worker, () => worker.url()));
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  await context.addInitScript(() => {
    addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  return {
    context,
    /** The Content-Security-Policy violations seen so far. */
    cspViolations: () => [...violations],
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (violations.length) {
        throw new Error(`Content-Security-Policy violations:\n${violations.join("\n")}`);
      }
    },
  };
}

/**
 * Signs `page` in to the admin app with `server`'s seeded admin token, for the admin pages. The admin's and the
 * operator's sessions are kept apart in the browser (issue 18): this opens no operator screen, and nothing a test
 * redeems through the operator screens is carried by the admin's token (see `signInAsOperator`).
 */
export async function signInAsAdmin(page, server) {
  await page.goto(new URL("/admin/sign-in", server.url).href);
  await page.getByLabel("API token").fill(server.admin.admin_token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Action Tokens" }).waitFor();
}

let operators = 0;

/**
 * Creates an action token through the API as the server's admin, expiring in `expiresInMs` (a week by default):
 * the answer, with its `qr` texts and typed `code`.
 */
export async function createActionToken(server, name, action, expiresInMs = 7 * 86_400_000) {
  const expires_at = new Date(Date.now() + expiresInMs).toISOString().replace(/\.\d+Z$/, "Z");
  const { status, body } = await server.api("POST", "/api/v1/action-tokens", { name, action, expires_at });
  assert.equal(status, 201, JSON.stringify(body));
  return body;
}

/**
 * Gives a new operator an access token the way an administrator does, through the admin API with `server`'s seeded
 * admin token: under the organisation's active access token definition, or, where it has none yet, under a new one
 * ("Field operators": an e-mail address as identifier, a pass code the MDM generates). Resolves to the MDM's answer
 * (`number`, `identifier`, `pass_code`, `authentication_code`, ...), the pass code being shown only this once.
 */
export async function createOperator(server, identifier) {
  const definitions = await server.api("GET", "/api/v1/access-token-definitions");
  assert.equal(definitions.status, 200, JSON.stringify(definitions.body));
  if (!definitions.body.items.some((d) => d.active)) {
    const made = await server.api("POST", "/api/v1/access-token-definitions", {
      name: "Field operators",
      settings: {
        identifier: { source: "email" },
        pass_code: { generated: true, min_length: 10, min_digits: 2 },
        authentication_code: { source: "auto_id", min_length: 16 },
      },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
  }
  operators += 1;
  const created = await server.api("POST", "/api/v1/access-tokens", {
    identifier: identifier ?? `operator${operators}.${process.pid}@example.com`,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.ok(created.body.pass_code, "the definition generates the pass code, shown once");
  return created.body;
}

/**
 * Signs `page` in as a field operator, as a person does: an administrator gives the operator an access token
 * (`createOperator`), and the operator types its identifier and pass code on the real `/sign-in` screen, then opens
 * the token screen, which downloads the offline bundle with the new session. Resolves to the operator's access
 * token (as `createOperator`) once the token screen holds a fresh bundle.
 */
export async function signInAsOperator(page, server, { identifier } = {}) {
  const operator = await createOperator(server, identifier);
  await page.goto(new URL("/sign-in", server.url).href);
  await page.getByRole("heading", { level: 1, name: "Operator sign-in" }).waitFor();
  await page.getByRole("radio", { name: "Identifier and pass code" }).check();
  await page.getByLabel("Identifier", { exact: true }).fill(operator.identifier);
  await page.getByLabel("Pass code", { exact: true }).fill(operator.pass_code);
  await page.getByRole("button", { name: "Sign in" }).click();
  const signedIn = page.getByRole("status").filter({ hasText: `Signed in as operator #${operator.number}.` });
  await signedIn.waitFor();
  await signedIn.getByRole("link", { name: "Go to the token screen" }).click();
  await page.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
  return operator;
}

/**
 * The organisation's audit log (`GET /api/v1/audit-log.csv`, read with the seeded admin token) as objects with
 * its columns (`at`, `actor`, `action`, `target`, `detail`, `remote`), `detail` parsed from its JSON.
 */
export async function auditLog(server) {
  const response = await fetch(new URL("/api/v1/audit-log.csv", server.url), {
    headers: { authorization: `Bearer ${server.admin.admin_token}` },
  });
  assert.equal(response.status, 200);
  const rows = csvRows(await response.text());
  const [header, ...lines] = rows;
  return lines.map((fields) => {
    const entry = Object.fromEntries(header.map((name, i) => [name, fields[i]]));
    return { ...entry, detail: entry.detail ? JSON.parse(entry.detail) : null };
  });
}

/** The records of an RFC 4180 text (quoted fields may hold commas, quotes and line breaks). */
function csvRows(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else {
      field += c;
    }
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** Saves a screenshot as a test artifact (target/e2e-artifacts/NAME.png). */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * The luma plane of a camera frame (`width` x `height`) showing `png` (a QR image) centred on white, drawn by
 * the browser `page` without smoothing: what a phone's camera sees of a printed code, as Y for a Y4M video.
 */
export async function frameLuma(page, png, width = 640, height = 480) {
  const rgba = await page.evaluate(async ({ base64, width, height }) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = Object.assign(document.createElement("canvas"), { width, height });
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, height);
    const side = Math.min(height - 40, image.width * 2);
    context.imageSmoothingEnabled = false;
    context.drawImage(image, (width - side) / 2, (height - side) / 2, side, side);
    const { data } = context.getImageData(0, 0, width, height);
    let binary = "";
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return btoa(binary);
  }, { base64: Buffer.from(png).toString("base64"), width, height });
  const pixels = Buffer.from(rgba, "base64");
  const luma = Buffer.alloc(width * height);
  for (let i = 0; i < luma.length; i++) {
    luma[i] = Math.round(0.299 * pixels[4 * i] + 0.587 * pixels[4 * i + 1] + 0.114 * pixels[4 * i + 2]);
  }
  return luma;
}

/** A one-frame Y4M video (640x480, 4:2:0, grey) of `png`: what Chromium's fake camera plays in a loop. */
export async function y4mOf(page, png, path) {
  const [width, height] = [640, 480];
  const luma = await frameLuma(page, png, width, height);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`);
  writeFileSync(path, Buffer.concat([header, luma, chroma]));
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's WCAG 2.x A/AA rules (and best practices) on `page` as it is now; throws, naming each rule and its
 * elements, on any serious or critical violation. axe is evaluated through the DevTools protocol, which the
 * MDM's Content-Security-Policy does not govern, so the page under test keeps its real policy.
 */
export async function checkA11y(page, where = page.url()) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id, impact, help, targets: nodes.slice(0, 5).map((node) => node.target.join(" ")),
    }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (serious.length) {
    const lines = serious.map((v) => `  ${v.impact} ${v.id}: ${v.help}\n    at ${v.targets.join("\n    at ")}`);
    throw new Error(`axe-core on ${where}:\n${lines.join("\n")}`);
  }
  return violations;
}

/** A4 at the CSS 96 pixels per inch: 210 x 297 mm. */
export const A4 = { width: 794, height: 1123 };

/**
 * The sheet as printed: print media at A4 width, one full-page screenshot, then each cell's region (from its
 * bounding box) cut out: `[{ id, rgba: [pixels, width, height] }]` in page order, for `scanRgba(...rgba)`.
 */
export async function printedSheetCells(page) {
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize(A4);
  try {
    const cells = page.locator(".sheet-cell");
    await cells.first().waitFor();
    // Printed sizes are what the sheet promises: no page box wider than A4's printable width (210 mm less 10 mm
    // margins; a wider one makes Chromium shrink everything to fit), and QR codes of 48 mm (tokens) or 30 mm
    // (labels) with their quiet zone, so the modules print at the size the page states.
    const mm = 96 / 25.4;
    const widest = await page.locator(".sheet-page").evaluateAll((nodes) => Math.max(...nodes.map((n) => n.getBoundingClientRect().width)));
    assert.ok(widest <= 190 * mm + 0.5, `a printed page is ${widest / mm} mm wide`);
    const kind = await page.locator(".sheet-pages").getAttribute("data-kind");
    const side = await page.locator(".sheet-qr svg").first().evaluate((svg) => svg.getBoundingClientRect().width);
    assert.ok(Math.abs(side - (kind === "tokens" ? 48 : 30) * mm) < 0.5, `a ${kind} QR code is ${side / mm} mm`);
    const shot = decodePng(await page.screenshot({ fullPage: true }));
    const boxes = await cells.evaluateAll((nodes) =>
      nodes.map((node) => {
        const box = node.getBoundingClientRect();
        return { id: Number(node.dataset.id), x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height };
      }),
    );
    return boxes.map(({ id, x, y, width, height }) => ({ id, rgba: crop(shot, x, y, width, height) }));
  } finally {
    // Back to no emulation, not to "screen": page.pdf() prints with the emulated media when one is set.
    await page.emulateMedia({ media: null });
    await page.setViewportSize({ width: 1280, height: 900 });
  }
}

/** The RGBA pixels of one rectangle of a decoded PNG: `[data, width, height]` for `scanRgba`. */
function crop(image, x, y, width, height) {
  const left = Math.max(0, Math.floor(x));
  const top = Math.max(0, Math.floor(y));
  const w = Math.min(image.width - left, Math.ceil(width));
  const h = Math.min(image.height - top, Math.ceil(height));
  const out = new Uint8Array(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((top + row) * image.width + left) * 4;
    out.set(image.data.subarray(from, from + w * 4), row * w * 4);
  }
  return [out, w, h];
}

