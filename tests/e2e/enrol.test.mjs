// The phone as a device, against the real MDM: it enrols with the one-time code an admin shows (making its own
// Ed25519 key and proving it holds it), then "This device" redeems for itself; after a reset_certificate
// redemption the token screen asks it to enrol again, and a wrong code is refused in words.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, screenshot } from "./support.mjs";

let server;
let browser;
let page;

before(async () => {
  server = await startServer({ org: "Enrol Ops" });
  browser = await startBrowser();
  page = await browser.context.newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function createToken(name, action) {
  const expires_at = new Date(Date.now() + 7 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  const { status, body } = await server.api("POST", "/api/v1/action-tokens", { name, action, expires_at });
  assert.equal(status, 201, JSON.stringify(body));
  return body;
}

async function device(id) {
  const { status, body } = await server.api("GET", `/api/v1/devices/${id}`);
  assert.equal(status, 200);
  return body;
}

/** Opens the token screen with a fresh offline bundle (signing in downloads it). */
async function tokenScreen() {
  await page.goto(server.url);
  await page.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
}

test("the phone enrols with the admin's code, redeems as 'This device', and is asked to enrol again after a reset", async () => {
  const [target] = (await server.api("GET", "/api/v1/devices")).body.items;
  // The seeded devices are enrolled: reset this one the way the field does, so it needs a code.
  const reset = await createToken("Reset certificate", { type: "reset_certificate" });
  const synced = await server.api("POST", "/api/v1/sync", {
    redemptions: [{ id: "reset-before-enrol", token: reset.code, device_id: target.id, scanned_at: new Date().toISOString() }],
  });
  assert.equal(synced.body.results[0].status, "applied", JSON.stringify(synced.body));
  assert.equal((await device(target.id)).enrolled, false);
  const issued = await server.api("POST", `/api/v1/devices/${target.id}/enrolment`);
  assert.equal(issued.status, 201, JSON.stringify(issued.body));

  await page.goto(new URL("/admin/sign-in", server.url).href);
  await page.getByLabel("API token").fill(server.admin.admin_token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Action Tokens" }).waitFor();
  await tokenScreen();

  // A code with a right check symbol that the MDM never issued: refused, in words, nothing kept.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Enrol device" }).click();
  await page.getByRole("heading", { level: 1, name: "Enrol this device" }).waitFor();
  await page.getByText("This phone is not enrolled as a device.").waitFor();
  const box = page.getByLabel("Enrolment code");
  await box.fill(reset.code);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("alert").filter({ hasText: /^Not enrolled: / }).waitFor();
  assert.equal((await device(target.id)).enrolled, false);

  // The admin's code, as the QR holds it (no hyphens): enrolled, and the MDM has the certificate.
  await box.fill(issued.body.qr.text);
  await page.getByText(/the check symbol matches/).waitFor();
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").filter({ hasText: `Enrolled: this phone is device #${target.id} of the MDM` }).waitFor();
  await page.getByText(`This phone is enrolled as device #${target.id}.`).waitFor();
  await screenshot(page, "operator-enrolled");
  assert.equal((await device(target.id)).enrolled, true);
  // The code was one-time.
  const again = await server.api("POST", "/api/v1/enrol", { code: issued.body.code, public_key: "00".repeat(32), proof: "00".repeat(64) }, null);
  assert.ok(again.status >= 400 && again.status < 500, JSON.stringify(again.body));

  // "This device" picks the phone's own serial for a redemption.
  const repair = await createToken("Repair", { type: "put_in_repair" });
  const secondReset = await createToken("Reset again", { type: "reset_certificate" });
  await tokenScreen();
  await page.getByLabel("Token code").fill(repair.code);
  await page.getByRole("button", { name: "This device" }).click();
  assert.equal(await page.getByLabel("Device serial").inputValue(), target.serial);
  await page.getByRole("button", { name: "Redeem" }).click();
  const queue = page.getByRole("region", { name: "Queue" });
  await queue.getByRole("listitem").filter({ hasText: target.serial }).filter({ hasText: "applied" }).waitFor();
  assert.equal((await device(target.id)).state, "in_repair");

  // A reset_certificate redemption on this device: once the bundle says so, the phone asks to enrol again.
  await page.getByLabel("Token code").fill(secondReset.code);
  await page.getByRole("button", { name: "This device" }).click();
  await page.getByRole("button", { name: "Redeem" }).click();
  await queue.getByRole("listitem").filter({ hasText: "Reset" }).filter({ hasText: "applied" }).waitFor();
  assert.equal((await device(target.id)).enrolled, false);
  await tokenScreen();
  await page.getByRole("alert").filter({ hasText: `This phone is device ${target.serial}, and its certificate was reset` }).waitFor();
  await page.getByRole("link", { name: "enrol it again" }).click();
  await page.getByRole("heading", { level: 1, name: "Enrol this device" }).waitFor();
});
