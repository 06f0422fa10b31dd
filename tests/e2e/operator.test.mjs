// The field operator's flow against the real MDM: an operator signs in with an access token on /sign-in, types a
// token code (live check-symbol feedback), sees the offline verdict, picks a device by serial, Redeem; goes
// offline, redeems more through a deep link, reloads offline (the service worker serves the app, IndexedDB keeps
// the queue), comes back online, Sync now: every redemption reaches the MDM once, carried by the operator's session
// (the audit log names the operator), and the devices' states changed. Every redemption here is carried by an
// operator's session, never by an admin's API token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { initSync, qrPng } from "fieldtoken";
import { startServer, startBrowser, signInAsOperator, auditLog, screenshot, y4mOf, cameraArgs, createActionToken } from "./support.mjs";

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });

let server;
let browser;
let page;
let devices;
let fleets;

before(async () => {
  server = await startServer({ org: "Acme Field Ops" });
  browser = await startBrowser();
  page = await browser.context.newPage();
  devices = (await server.api("GET", "/api/v1/devices")).body.items;
  fleets = (await server.api("GET", "/api/v1/fleets")).body.items;
  assert.ok(devices.length >= 2, "the demo organisation has devices");
  assert.ok(fleets.length >= 1, "the demo organisation has fleets");
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const createToken = (name, action) => createActionToken(server, name, action);

const queue = () => page.getByRole("region", { name: "Queue" });
const queueItems = () => queue().getByRole("listitem");

async function deviceState(id) {
  const { status, body } = await server.api("GET", `/api/v1/devices/${id}`);
  assert.equal(status, 200);
  return body;
}

/** The audit log's `redemption.apply` entry for `device` and `token`, if any. */
async function applied(device, token) {
  return (await auditLog(server)).find(
    (e) => e.action === "redemption.apply" && e.target === `device/${device.id}` && e.detail.action_token === token.id,
  );
}

test("an operator signs in, types a code, sees the verdict, redeems offline, reloads offline, syncs once", async () => {
  const repair = await createToken("Send for repair", { type: "put_in_repair" });
  const fleet = fleets[fleets.length - 1];
  const move = await createToken("Move to the last fleet", { type: "put_in_fleet", fleet_id: fleet.id });
  const [first, second] = devices.filter((d) => d.state !== "in_repair" && d.fleet_id !== fleet.id);
  assert.ok(first && second, "two devices that both tokens change");

  // The operator signs in once, online, with the access token an administrator gave them: that downloads the
  // offline bundle.
  const operator = await signInAsOperator(page, server);
  await page.getByText(`Signed in as operator #${operator.number} (${operator.identifier})`).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // Live feedback on the check symbol, with the position of a wrong character.
  const symbols = repair.code.replaceAll("-", "");
  const box = page.getByLabel("Token code");
  await box.fill(symbols.slice(0, 6) + "U" + symbols.slice(7));
  await page.getByText("Symbol 7 is not a code character").waitFor();
  const i = [...symbols.slice(0, 15)].findIndex((c, k) => c !== symbols[k + 1]);
  const swapped = symbols.slice(0, i) + symbols[i + 1] + symbols[i] + symbols.slice(i + 2);
  await box.fill(swapped);
  await page.getByText("The check symbol does not match: a symbol is mistyped").waitFor();
  await box.fill(symbols.slice(0, 9));
  await page.getByText("9 of 17 symbols typed.").waitFor();

  // The right code, typed loosely: the verdict from the offline bundle.
  await box.fill(repair.code.toLowerCase().replaceAll("-", " "));
  await page.getByText(`Code ${repair.code}: the check symbol matches.`).waitFor();
  await page.getByRole("heading", { name: `Token #${repair.id}` }).waitFor();
  await page.getByText("Put in Repair", { exact: true }).waitFor();

  // An unknown serial is refused before anything is saved.
  const serial = page.getByLabel("Device serial");
  await serial.fill("NO-SUCH-SERIAL");
  await page.getByText("No device with serial “NO-SUCH-SERIAL”").waitFor();
  assert.equal(await page.getByRole("button", { name: "Redeem" }).isDisabled(), true);
  await serial.fill(first.serial);
  await page.getByText("Ready: the device will be in repair.").waitFor();

  // Offline from here: the redemption is kept on the phone and waits.
  await browser.context.setOffline(true);
  await page.getByText("Offline: work is kept on this phone").waitFor();
  await page.getByRole("button", { name: "Redeem" }).click();
  await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
  await queueItems().filter({ hasText: first.serial }).filter({ hasText: "waiting" }).waitFor();
  await queue().getByText("Offline: 1 redemption(s) wait on this phone").waitFor();
  await screenshot(page, "operator-redeemed-offline");

  // The phone's own camera opened a new-format deep link (upper-case, as printed): straight to the verdict.
  assert.match(move.qr.new, /\/T\//);
  await page.goto(move.qr.new);
  await page.getByRole("heading", { level: 1, name: "Redeem a token" }).waitFor();
  await page.getByRole("heading", { name: `Token #${move.id}` }).waitFor();
  await page.getByText(`Put in Fleet “${fleet.name}”`, { exact: true }).waitFor();
  await page.getByLabel("Device serial").fill(second.serial);
  await page.getByRole("button", { name: "Redeem" }).click();
  await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();

  // Reload with no network: the service worker serves the app, IndexedDB still holds both redemptions.
  await page.reload();
  await queue().waitFor();
  await queueItems().filter({ hasText: second.serial }).filter({ hasText: "waiting" }).waitFor();
  await queueItems().filter({ hasText: first.serial }).filter({ hasText: "waiting" }).waitFor();
  assert.equal(await queueItems().count(), 2);
  assert.equal((await deviceState(first.id)).state, first.state, "nothing reached the MDM while offline");
  await screenshot(page, "operator-queue-offline");

  // Online again: Sync now (the online event may already have started it), and both are applied, once.
  await browser.context.setOffline(false);
  await page.getByRole("button", { name: "Sync now" }).click();
  await queueItems().filter({ hasText: first.serial }).filter({ hasText: "applied" }).waitFor();
  await queueItems().filter({ hasText: second.serial }).filter({ hasText: "applied" }).waitFor();
  assert.equal((await deviceState(first.id)).state, "in_repair");
  const moved = await deviceState(second.id);
  assert.equal(moved.state, "in_fleet");
  assert.equal(moved.fleet_id, fleet.id);
  await screenshot(page, "operator-synced");
  // Each redemption was carried by the operator's session: the MDM recorded who scanned it.
  for (const [device, token] of [[first, repair], [second, move]]) {
    const entry = await applied(device, token);
    assert.ok(entry, `the MDM recorded ${token.name} on ${device.serial}`);
    assert.equal(entry.detail.operator, operator.number);
    assert.equal(entry.actor, `operator #${operator.number} (${operator.identifier})`);
  }

  // Acknowledged items are never sent again: another sync and a reload change nothing.
  await page.getByRole("button", { name: "Sync now" }).click();
  await page.reload();
  await queueItems().first().waitFor();
  assert.equal(await queueItems().count(), 2);
  assert.equal(await queueItems().filter({ hasText: "applied" }).count(), 2);
});

test("a token the bundle refuses shows why, and cannot be redeemed", async () => {
  const gone = await createToken("Deleted before use", { type: "put_in_stock" });
  const { status } = await server.api("DELETE", `/api/v1/action-tokens/${gone.id}`);
  assert.equal(status, 204);
  await browser.context.setOffline(false);
  await page.goto(server.url);
  await page.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
  // A signed token stays verifiable after deletion; the bundle's list of deleted tokens refuses it.
  await page.getByLabel("Token code").fill(gone.qr.new);
  await page.getByRole("alert").filter({ hasText: "This token was deleted by an administrator." }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Redeem" }).count(), 0);
});

/**
 * Another phone: its own browser profile, where its own operator signs in (the MDM's clock rule is per operator),
 * once online, so it holds the offline bundle.
 */
async function openPhone() {
  const phone = await startBrowser();
  const p = await phone.context.newPage();
  const operator = await signInAsOperator(p, server);
  return { phone, page: p, operator };
}

async function redeemOffline(p, context, text, serial) {
  await context.setOffline(true);
  await p.getByLabel("Token code").fill(text);
  await p.getByLabel("Device serial").fill(serial);
  await p.getByRole("button", { name: "Redeem" }).click();
  await p.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
}

test("two phones act on one device offline: the later scan wins, the earlier shows superseded", async () => {
  const repair = await createToken("Conflict: repair", { type: "put_in_repair" });
  const stock = await createToken("Conflict: stock", { type: "put_in_stock" });
  const device = devices.find((d) => d.state !== "in_stock" && d.state !== "in_repair")
    ?? (await server.api("GET", "/api/v1/devices")).body.items[0];
  const a = await openPhone();
  const b = await openPhone();
  try {
    await redeemOffline(a.page, a.phone.context, repair.code, device.serial);
    await redeemOffline(b.page, b.phone.context, stock.qr.new, device.serial);
    // The later scan reaches the MDM first; the earlier one arrives after it.
    await b.phone.context.setOffline(false);
    await b.page.getByRole("button", { name: "Sync now" }).click();
    await b.page.getByRole("region", { name: "Queue" }).getByRole("listitem").filter({ hasText: "applied" }).waitFor();
    await a.phone.context.setOffline(false);
    await a.page.getByRole("button", { name: "Sync now" }).click();
    await a.page
      .getByRole("region", { name: "Queue" })
      .getByRole("listitem")
      .filter({ hasText: "superseded: a later scan acted on this device" })
      .waitFor();
    await screenshot(a.page, "operator-superseded");
    assert.equal((await deviceState(device.id)).state, "in_stock");
    // The phone that won carried its redemption with its own operator's session.
    assert.equal((await applied(device, stock))?.detail.operator, b.operator.number);
    assert.equal(await applied(device, repair), undefined, "a superseded scan changed nothing");
  } finally {
    await a.phone.close();
    await b.phone.close();
  }
});

test("a token deleted before the sync is rejected, with the reason in words", async () => {
  const doomed = await createToken("Deleted while offline", { type: "put_in_repair" });
  const device = (await server.api("GET", "/api/v1/devices")).body.items.find((d) => d.state !== "in_repair");
  const a = await openPhone();
  try {
    await redeemOffline(a.page, a.phone.context, doomed.code, device.serial);
    assert.equal((await server.api("DELETE", `/api/v1/action-tokens/${doomed.id}`)).status, 204);
    await a.phone.context.setOffline(false);
    await a.page.getByRole("button", { name: "Sync now" }).click();
    await a.page
      .getByRole("region", { name: "Queue" })
      .getByRole("listitem")
      .filter({ hasText: "rejected: the token was deleted" })
      .waitFor();
    assert.equal((await deviceState(device.id)).state, device.state, "a rejected redemption changes nothing");
  } finally {
    await a.phone.close();
  }
});

test("with nobody signed in an unenrolled phone's queue waits and asks for a sign-in; the next operator carries it", async () => {
  const token = await createToken("Waits for an operator", { type: "put_in_repair" });
  const device = (await server.api("GET", "/api/v1/devices")).body.items.find((d) => d.state !== "in_repair");
  const a = await openPhone();
  const queueOfA = a.page.getByRole("region", { name: "Queue" });
  try {
    // The operator signs out; the phone keeps its offline bundle, and it is not enrolled as a device.
    await a.page.getByRole("button", { name: "Sign out" }).click();
    await a.page.getByText("Signed in as").waitFor({ state: "detached" });
    await a.page.getByLabel("Token code").fill(token.code);
    await a.page.getByLabel("Device serial").fill(device.serial);
    await a.page.getByRole("button", { name: "Redeem" }).click();
    await a.page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
    // No carrier: the MDM takes no anonymous sync, and the phone says what to do instead of retrying.
    await a.page.getByRole("button", { name: "Sync now" }).click();
    await queueOfA.getByRole("alert").filter({ hasText: "Sign in again (Operator sign-in)" }).waitFor();
    await queueOfA.getByRole("listitem").filter({ hasText: device.serial }).filter({ hasText: "waiting" }).waitFor();
    assert.equal((await deviceState(device.id)).state, device.state, "nothing was applied without a carrier");

    // Another operator signs in on the phone: their session carries the redemption that waited.
    const next = await signInAsOperator(a.page, server);
    await a.page.getByRole("button", { name: "Sync now" }).click();
    await queueOfA.getByRole("listitem").filter({ hasText: device.serial }).filter({ hasText: "applied" }).waitFor();
    assert.equal((await deviceState(device.id)).state, "in_repair");
    assert.equal((await applied(device, token))?.detail.operator, next.number);
  } finally {
    await a.phone.close();
  }
});

test("the back camera reads a token's QR in a worker, and the redemption reaches the MDM", async () => {
  const token = await createToken("Camera: to stock", { type: "put_in_stock" });
  const device = (await server.api("GET", "/api/v1/devices")).body.items.find((d) => d.state !== "in_stock");
  await browser.context.setOffline(false);
  const dir = mkdtempSync(join(tmpdir(), "fieldtoken-camera-"));
  const video = join(dir, "token.y4m");
  await y4mOf(page, qrPng(token.qr.new, { scale: 4, margin: 4 }), video);
  const camera = await startBrowser(cameraArgs(video));
  const { context } = camera;
  try {
    await context.grantPermissions(["camera"], { origin: server.url });
    const p = await context.newPage();
    const operator = await signInAsOperator(p, server);
    await p.getByRole("button", { name: "Scan with camera" }).click();
    await p.getByRole("heading", { name: `Token #${token.id}` }).waitFor();
    assert.equal(await p.getByLabel("Token code").inputValue(), token.qr.new);
    await screenshot(p, "operator-camera-read");
    await p.getByLabel("Device serial").fill(device.serial);
    await p.getByRole("button", { name: "Redeem" }).click();
    await p.getByRole("region", { name: "Queue" }).getByRole("listitem").filter({ hasText: "applied" }).waitFor();
    assert.equal((await deviceState(device.id)).state, "in_stock");
    assert.equal((await applied(device, token))?.detail.operator, operator.number);
  } finally {
    await camera.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a device's label QR picks the device for the token on screen", async () => {
  const token = await createToken("Labels: to repair", { type: "put_in_repair" });
  const device = (await server.api("GET", "/api/v1/devices")).body.items.find((d) => d.state !== "in_repair");
  await browser.context.setOffline(false);
  const dir = mkdtempSync(join(tmpdir(), "fieldtoken-label-"));
  const video = join(dir, "label.y4m");
  // The label holds the serial as printed, nothing else.
  await y4mOf(page, qrPng(device.serial, { scale: 6, margin: 4 }), video);
  const camera = await startBrowser(cameraArgs(video));
  const { context } = camera;
  try {
    await context.grantPermissions(["camera"], { origin: server.url });
    const p = await context.newPage();
    await signInAsOperator(p, server);
    await p.getByLabel("Token code").fill(token.code);
    await p.getByRole("button", { name: "Scan with camera" }).click();
    await p.getByText(`Ready: the device will be in repair.`).waitFor();
    assert.equal(await p.getByLabel("Device serial").inputValue(), device.serial);
    assert.equal(await p.getByLabel("Token code").inputValue(), token.code, "the token stays");
  } finally {
    await camera.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a phone with two cameras can switch between them; no torch button where the camera has none", async () => {
  // Chromium's fake capture with two devices (this machine has no camera at all).
  const camera = await startBrowser(["--use-fake-device-for-media-stream=device-count=2", "--use-fake-ui-for-media-stream"]);
  const { context } = camera;
  try {
    await context.grantPermissions(["camera"], { origin: server.url });
    const p = await context.newPage();
    await p.goto(server.url);
    const current = () =>
      p.evaluate(() => document.querySelector("video[aria-label='Camera preview']").srcObject?.getVideoTracks()[0]?.getSettings().deviceId);
    await p.getByRole("button", { name: "Scan with camera" }).click();
    await p.getByRole("button", { name: "Switch camera" }).waitFor();
    await p.waitForFunction(() => document.querySelector("video[aria-label='Camera preview']").srcObject);
    const first = await current();
    await p.getByRole("button", { name: "Switch camera" }).click();
    await p.waitForFunction((before) => {
      const id = document.querySelector("video[aria-label='Camera preview']").srcObject?.getVideoTracks()[0]?.getSettings().deviceId;
      return id && id !== before;
    }, first);
    // Round the list: back to the first camera.
    await p.getByRole("button", { name: "Switch camera" }).click();
    await p.waitForFunction((before) => {
      const id = document.querySelector("video[aria-label='Camera preview']").srcObject?.getVideoTracks()[0]?.getSettings().deviceId;
      return id === before;
    }, first);
    assert.equal(await p.getByRole("button", { name: "Torch" }).count(), 0);
  } finally {
    await camera.close();
  }
});

test("leaving the token screen and coming back, then a reconnect, raises no error", async () => {
  const errors = [];
  const onError = (error) => errors.push(error.message);
  page.on("pageerror", onError);
  try {
    await browser.context.setOffline(false);
    await page.goto(server.url);
    await queue().waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    // Client-side navigation within the operator's app unmounts the token screen and mounts it again.
    await nav.getByRole("link", { name: "Operator sign-in" }).click();
    await page.getByLabel("Token code").waitFor({ state: "detached" });
    await nav.getByRole("link", { name: "Home" }).click();
    await queue().waitFor();
    // The screens left behind must not react to the reconnect; the one on screen still syncs.
    await browser.context.setOffline(true);
    await browser.context.setOffline(false);
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.waitForTimeout(300);
    assert.equal(await page.getByLabel("Token code").count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    page.off("pageerror", onError);
  }
});
