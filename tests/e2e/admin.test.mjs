// The admin's Action Tokens page (seed 000) against the real MDM: sign in, create one token of each
// action, download the side panel's QR as PNG and decode it with the package's own scanner, toggle to the
// old format, delete, and the three permissions of the seed hiding what they must.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, normalizeCode, scanRgba } from "fieldtoken";
import { startServer, startBrowser, screenshot } from "./support.mjs";

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });

let server;
let browser;
let page;

before(async () => {
  server = await startServer({ org: "Acme Logistics" });
  browser = await startBrowser();
  page = await browser.context.newPage();
  // Admins work at a desktop browser; the operator suites keep the phone-sized default.
  await page.setViewportSize({ width: 1280, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(token) {
  await page.goto(new URL("/admin/sign-in", server.url).href);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1 }).filter({ hasText: /Action Tokens|No access/ }).waitFor();
}

/** The browser decodes the PNG (as any image viewer would); the package's scanner reads its pixels. */
async function decodeDownloadedPng(download) {
  return decodePng(readFileSync(await download.path()));
}

async function decodePng(bytes) {
  const png = bytes.toString("base64");
  const frame = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, image.width, image.height);
    let binary = "";
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: image.width, height: image.height, rgba: btoa(binary) };
  }, png);
  return scanRgba(Buffer.from(frame.rgba, "base64"), frame.width, frame.height);
}

async function tokenByName(name) {
  const { status, body } = await server.api("GET", `/api/v1/action-tokens?q=${encodeURIComponent(name)}`);
  assert.equal(status, 200);
  const token = body.items.find((item) => item.name === name);
  assert.ok(token, `${name} is listed by the API`);
  return token;
}

test("sign-in refuses a wrong token with a message, and accepts the demo admin's", async () => {
  await page.goto(new URL("/admin", server.url).href);
  await page.getByRole("heading", { level: 1, name: "Sign in to the MDM" }).waitFor();
  await page.getByLabel("API token").fill("not-a-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "This token is not valid" }).waitFor();
  await screenshot(page, "admin-sign-in");
  await signIn(server.admin.admin_token);
  await page.getByText("Organisation: Acme Logistics").waitFor();
  // The demo organisation comes with tokens; a search that matches none says so.
  await page.getByRole("table").locator("tbody tr").first().waitFor();
  await page.getByLabel("Search by name").fill("no token is called this");
  await page.getByText("No token has a name matching your search.").waitFor();
  assert.equal(await page.getByRole("table").locator("tbody tr").count(), 0);
  await page.getByLabel("Search by name").fill("");
  await page.getByRole("table").locator("tbody tr").first().waitFor();
});

const ACTIONS = [
  { name: "Move to Warehouse B", label: "Put in Fleet", type: "put_in_fleet" },
  { name: "Send for repair", label: "Put in Repair", type: "put_in_repair" },
  { name: "Back to stock", label: "Put in Stock", type: "put_in_stock" },
  { name: "Reset after factory reset", label: "Reset device certificate", type: "reset_certificate" },
];

test("+ New creates one token of each of the seed's four actions", async () => {
  const rows = page.getByRole("table").locator("tbody tr");
  const before = await rows.count();
  for (const { name, label, type } of ACTIONS) {
    await page.getByRole("button", { name: "+ New" }).click();
    const form = page.getByRole("form", { name: "New action token" });
    await form.getByLabel("Name").fill(name);
    await form.getByRole("radio", { name: label }).check();
    if (type === "put_in_fleet") {
      const fleet = form.getByLabel("Fleet", { exact: true });
      const options = await fleet.locator("option").allTextContents();
      assert.ok(options.length > 1, `the demo has fleets to pick: ${options}`);
      await fleet.selectOption({ index: 1 });
    }
    if (type === "reset_certificate") {
      await form.getByRole("note").filter({ hasText: "Clearing a device's certificate should only happen" }).waitFor();
      await screenshot(page, "admin-new-reset-warning");
    }
    assert.match(await form.getByText(/^Time zone: /).textContent(), /UTC[+-]\d\d:\d\d/);
    await form.getByRole("button", { name: "Create token" }).click();
    await page.getByRole("complementary").getByRole("heading", { name }).waitFor();
    const token = await tokenByName(name);
    assert.equal(token.action.type, type);
    assert.equal(token.status, "active");
  }
  assert.equal(await rows.count(), before + ACTIONS.length);
  await screenshot(page, "admin-tokens");
});

test("the panel's QR downloads as a PNG that decodes to the API's texts, in both formats", async () => {
  const token = await tokenByName("Move to Warehouse B");
  await page.getByRole("button", { name: "Move to Warehouse B" }).click();
  const panel = page.getByRole("complementary");
  await panel.getByRole("heading", { name: "Move to Warehouse B" }).waitFor();
  assert.equal(await panel.getByRole("button", { name: "New format" }).getAttribute("aria-pressed"), "true");
  await screenshot(page, "admin-panel-new");

  const [newPng] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Download", exact: true }).click()]);
  assert.match(newPng.suggestedFilename(), /\.png$/);
  assert.deepEqual(await decodeDownloadedPng(newPng), [token.qr.new]);

  await panel.getByRole("button", { name: "Old format" }).click();
  assert.equal(await panel.getByRole("button", { name: "Old format" }).getAttribute("aria-pressed"), "true");
  const [oldPng] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Download", exact: true }).click()]);
  assert.deepEqual(await decodeDownloadedPng(oldPng), [token.qr.old]);
  assert.equal(await panel.locator("code.token-code").textContent(), token.code);
  await screenshot(page, "admin-panel-old");

  // The print view: one token per page, its QR, name, action and expiry; none of the page around it.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.getByRole("table").isVisible(), false);
  assert.equal(await page.getByRole("navigation", { name: "Admin" }).isVisible(), false);
  assert.equal(await page.getByRole("button", { name: "Sign out" }).isVisible(), false);
  assert.equal(await panel.getByRole("button", { name: "Download", exact: true }).isVisible(), false);
  assert.ok(await panel.getByRole("img", { name: /QR code/ }).isVisible());
  assert.match(await panel.locator("figcaption").innerText(), /Move to Warehouse B · Put in Fleet · expires /);
  await screenshot(page, "admin-print");
  await page.emulateMedia({ media: "screen" });
});

test("Delete asks first, then removes the token from the table and the MDM", async () => {
  const token = await tokenByName("Back to stock");
  await page.getByRole("button", { name: "Back to stock" }).click();
  const panel = page.getByRole("complementary");
  await panel.getByRole("button", { name: "Delete", exact: true }).click();
  await panel.getByRole("alertdialog").waitFor();
  await panel.getByRole("button", { name: "Delete token" }).click();
  await page.getByRole("button", { name: "Back to stock" }).waitFor({ state: "detached" });
  const { status } = await server.api("GET", `/api/v1/action-tokens/${token.id}`);
  assert.equal(status, 404);
});

async function apiTokenWith(permissions) {
  const { status, body } = await server.api("POST", "/api/v1/api-tokens", { name: permissions.join(" ") || "none", permissions });
  assert.equal(status, 201, JSON.stringify(body));
  return body.token;
}

test("without create there is no + New, without delete no Delete (seed 000)", async () => {
  await signIn(await apiTokenWith(["fms.actiontoken.read", "fms.fleet.read"]));
  await page.getByRole("button", { name: "Send for repair" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "+ New" }).count(), 0);
  await page.getByRole("button", { name: "Send for repair" }).click();
  const panel = page.getByRole("complementary");
  await panel.getByRole("heading", { name: "Send for repair" }).waitFor();
  assert.equal(await panel.getByRole("button", { name: "Delete", exact: true }).count(), 0);
  await panel.getByRole("button", { name: "Download", exact: true }).waitFor();
});

test("without read the page says so instead of showing tokens (seed 000)", async () => {
  await signIn(await apiTokenWith(["fms.device.read"]));
  await page.getByRole("heading", { level: 1, name: "No access to Action Tokens" }).waitFor();
  assert.equal(await page.getByRole("table").count(), 0);
  await screenshot(page, "admin-no-access");
});

test("Devices lists the organisation's devices; Fleets needs its own permission", async () => {
  // Still signed in with fms.device.read only (previous test).
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Devices" }).click();
  await page.getByRole("heading", { level: 1, name: "Devices" }).waitFor();
  const { body } = await server.api("GET", "/api/v1/devices");
  const rows = page.getByRole("table").locator("tbody tr");
  await rows.first().waitFor();
  assert.equal(await rows.count(), body.items.length);
  for (const device of body.items) {
    await page.getByRole("cell", { name: device.serial, exact: true }).waitFor();
  }
  await screenshot(page, "admin-devices");
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Fleets" }).click();
  await page.getByRole("alert").filter({ hasText: "fms.fleet.read" }).waitFor();
});

test("a device whose certificate was reset gets an enrolment QR that reads back to its code", async () => {
  await signIn(server.admin.admin_token);
  // Reset one device's certificate the way the field does: a reset_certificate token, redeemed and synced. Redeemed
  // through the API with the admin token (which holds fms.actiontoken.redeem) on purpose: this test is about the
  // admin's enrolment QR, not about who carries a redemption (enrol.test.mjs is).
  const { body: devices } = await server.api("GET", "/api/v1/devices");
  const device = devices.items[0];
  const reset = await server.api("POST", "/api/v1/action-tokens", {
    name: "Reset for enrolment test",
    action: { type: "reset_certificate" },
    expires_at: new Date(Date.now() + 86_400_000).toISOString(),
  });
  assert.equal(reset.status, 201, JSON.stringify(reset.body));
  const synced = await server.api("POST", "/api/v1/sync", {
    redemptions: [{ id: "enrolment-test", token: reset.body.code, device_id: device.id, scanned_at: Date.now() }],
  });
  assert.equal(synced.body.results[0].status, "applied", JSON.stringify(synced.body));

  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Devices" }).click();
  await page.getByRole("button", { name: `Enrolment QR for ${device.serial}` }).click();
  const card = page.getByRole("region", { name: `Enrolment for ${device.serial}` });
  await card.waitFor();
  const code = await card.locator("code.token-code").textContent();
  assert.equal(normalizeCode(code), code);
  const qr = await card.getByRole("img", { name: `Enrolment QR code for ${device.serial}` }).screenshot();
  const texts = await decodePng(qr);
  assert.equal(texts.length, 1);
  assert.equal(normalizeCode(texts[0]), code);
  await screenshot(page, "admin-enrolment");
  // Enrolled devices offer no code: their certificate is cleared only by a reset.
  assert.equal(await page.getByRole("button", { name: `Enrolment QR for ${devices.items[1].serial}` }).count(), 0);
});
