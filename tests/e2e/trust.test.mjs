// Issue 18, "Trust in every redemption", in the browser against the real MDM:
// - an operator whose access token is Pending Verification verifies it on the sign-in screen, then is signed in;
// - the sign-in names its organisation (from the sign-in address, remembered as the phone's configuration);
// - every operator screen says who is signed in and offers "Sign out";
// - an enrolled phone with nobody signed in downloads its offline bundle by signing the request as the device, and a
//   card tapped on it redeems for it in one step (a certificate reset asks first in a dialog), with a sound and a
//   success message; after the reset its signature opens nothing;
// - a phone whose clock goes back while offline says so instead of queueing a wrong time.
//
// Hardware stand-ins, and only those: this machine has no NFC, so `ndef-shim.js` replaces `NDEFReader` (see
// nfc.test.mjs); and no speaker, so an init script wraps `AudioContext` to record each oscillator the page starts
// (the sound is observed there, not heard). The clock test shifts `Date.now` back while the page is offline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, ndefRecords } from "fieldtoken";
import { startServer, startBrowser, screenshot, createActionToken } from "./support.mjs";

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });
const SHIM = new URL("./ndef-shim.js", import.meta.url).pathname;

let server;
let org;

before(async () => {
  server = await startServer({ org: "Trust Ops" });
  org = (await server.api("GET", "/api/v1/me")).body.org.id;
});

after(async () => {
  await server?.stop();
});

const createToken = (name, action) => createActionToken(server, name, action);

async function device(id) {
  const { status, body } = await server.api("GET", `/api/v1/devices/${id}`);
  assert.equal(status, 200);
  return body;
}

/** An access token definition (generated pass codes), made active; `verify` makes new tokens wait for verification. */
async function define(name, verify) {
  const definition = await server.api("POST", "/api/v1/access-token-definitions", {
    name,
    requires_verification: verify,
    settings: {
      identifier: { source: "email" },
      pass_code: { generated: true, min_length: 10, min_digits: 2 },
      authentication_code: { source: "auto_id", min_length: 16 },
    },
  });
  assert.equal(definition.status, 201, JSON.stringify(definition.body));
}

async function accessToken(identifier) {
  const created = await server.api("POST", "/api/v1/access-tokens", { identifier });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

/** This file's own sign-in: the operator's sign-in screen, reached by the address an administrator hands out. */
async function signInAsOperator(page, { identifier, passCode }) {
  await page.goto(new URL(`/sign-in?org=${org}`, server.url).href);
  await page.getByRole("heading", { level: 1, name: "Operator sign-in" }).waitFor();
  await page.getByLabel("Identifier", { exact: true }).fill(identifier);
  await page.getByLabel("Pass code", { exact: true }).fill(passCode);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a Pending Verification operator verifies with the code on the sign-in screen, then is signed in; every operator screen says who and offers Sign out", async () => {
  await define("Verified operators", true);
  const ana = await accessToken("ana@example.com");
  assert.equal(ana.state, "pending_verification");
  const browser = await startBrowser();
  try {
    const page = await browser.context.newPage();
    // The sign-in names its organisation: the address's, sent with the credentials and kept by the phone.
    const sent = page.waitForRequest((r) => r.url().endsWith("/api/v1/operator/session") && r.method() === "POST");
    await signInAsOperator(page, { identifier: "ana@example.com", passCode: ana.pass_code });
    assert.equal((await sent).postDataJSON().org, org);
    assert.equal(await page.evaluate(() => localStorage.getItem("fieldtoken.org")), String(org));

    // The MDM says the token needs verification: the screen asks for the code, labelled, and focuses it.
    await page.getByRole("alert").filter({ hasText: "Pending Verification" }).waitFor();
    const codeBox = page.getByLabel("Verification code");
    await codeBox.waitFor();
    await page.waitForFunction(() => document.activeElement?.id === "operator-verification-code");
    const wrong = ana.verification_code === "00000000" ? "11111111" : "00000000";
    await codeBox.fill(wrong);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "This verification code is not the one sent" }).waitFor();
    assert.equal((await server.api("GET", `/api/v1/access-tokens/${ana.number}`)).body.state, "pending_verification");

    const verify = page.waitForRequest((r) => r.url().endsWith("/api/v1/operator/verify"));
    await codeBox.fill(ana.verification_code);
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await page.getByRole("status").filter({ hasText: `Signed in as operator #${ana.number}.` }).waitFor();
    assert.equal((await verify).postDataJSON().org, org);
    assert.equal((await server.api("GET", `/api/v1/access-tokens/${ana.number}`)).body.state, "effective");
    await screenshot(page, "trust-verified-sign-in");

    // Every operator screen: who is signed in, and "Sign out".
    const who = `operator #${ana.number} (ana@example.com)`;
    for (const path of ["/", "/enrol", "/activator", "/sign-in"]) {
      await page.goto(new URL(path, server.url).href);
      await page.getByText(`Signed in as ${who}`).waitFor();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
    }
    const session = await page.evaluate(() => localStorage.getItem("fieldtoken.session"));
    assert.equal((await server.api("GET", "/api/v1/me", null, session)).status, 200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => localStorage.getItem("fieldtoken.session")), null);
    // The session ends on the MDM too.
    for (let i = 0; i < 50 && (await server.api("GET", "/api/v1/me", null, session)).status !== 401; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await server.api("GET", "/api/v1/me", null, session)).status, 401);
  } finally {
    await browser.close();
  }
});

/** Records every oscillator the page starts (this machine has no speaker): `window.__tones`. */
function recordTones() {
  window.__tones = [];
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    createOscillator() {
      const oscillator = super.createOscillator();
      const start = oscillator.start.bind(oscillator);
      oscillator.start = (when) => {
        window.__tones.push({ frequency: oscillator.frequency.value, type: oscillator.type });
        return start(when);
      };
      return oscillator;
    }
  };
}

test("an enrolled phone with nobody signed in fetches its bundle as the device, and a tapped card redeems for it in one step with a sound; a certificate reset asks first", async () => {
  const [target] = (await server.api("GET", "/api/v1/devices")).body.items;
  // The seeded devices hold stand-in certificates: reset this one the way the field does, and issue a code.
  const reset = await createToken("Reset before enrolment", { type: "reset_certificate" });
  const synced = await server.api("POST", "/api/v1/sync", {
    redemptions: [{ id: `trust-reset-${target.id}`, token: reset.code, device_id: target.id, scanned_at: new Date().toISOString() }],
  });
  assert.equal(synced.body.results[0].status, "applied", JSON.stringify(synced.body));
  const issued = await server.api("POST", `/api/v1/devices/${target.id}/enrolment`);
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  const repair = await createToken("Tap: repair", { type: "put_in_repair" });
  const wipe = await createToken("Tap: reset certificate", { type: "reset_certificate" });

  const phone = await startBrowser(["--enable-blink-features=WebNFC"]);
  try {
    await phone.context.addInitScript({ path: SHIM });
    await phone.context.addInitScript(recordTones);
    const page = await phone.context.newPage();
    const tapCard = (code) =>
      page.evaluate((init) => window.__ndef.read(init), { serialNumber: "04:77:10", message: { records: ndefRecords(code, server.url) } });

    await page.goto(new URL("/enrol", server.url).href);
    await page.getByLabel("Enrolment code").fill(issued.body.code);
    await page.getByRole("button", { name: "Enrol" }).click();
    await page.getByRole("status").filter({ hasText: `Enrolled: this phone is device #${target.id}` }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem("fieldtoken.session")), null, "nobody signed in");

    // The bundle comes signed by the device, with no bearer token (the compact form: the query is not signed).
    const bundleRequest = page.waitForRequest((r) => new URL(r.url()).pathname === "/api/v1/offline-bundle");
    await page.goto(server.url);
    const headers = (await bundleRequest).headers();
    assert.equal(headers["fieldtoken-device"], String(target.id));
    assert.match(headers["fieldtoken-signature"], /^[0-9a-f]{128}$/);
    assert.equal(headers.authorization, undefined);
    await page.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
    await page.getByText("NFC is on: tap a token card on the back of the phone.").waitFor();
    await page.getByRole("checkbox", { name: `acts on this device (${target.serial}) at once` }).waitFor();

    // One step: the card acts on this device, with no device to pick; a tone and a spoken success message.
    assert.equal(await tapCard(repair.code), 1);
    await page.getByRole("status").filter({ hasText: `Done: Put in Repair for this device (${target.serial}).` }).waitFor();
    const tones = await page.evaluate(() => window.__tones);
    assert.equal(tones.length, 1, JSON.stringify(tones));
    assert.equal(tones[0].type, "sine");
    // Synced with the device's own signature (nobody is signed in).
    const queue = page.getByRole("region", { name: "Queue" });
    await queue.getByRole("listitem").filter({ hasText: target.serial }).filter({ hasText: "applied" }).waitFor();
    assert.equal((await device(target.id)).state, "in_repair");
    await screenshot(page, "trust-one-step-redeem");

    // A certificate reset asks first, in a modal dialog whose Cancel has the focus; Escape cancels, nothing is kept.
    await tapCard(wipe.code);
    const dialog = page.getByRole("dialog", { name: "Reset this device's certificate?" });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel");
    await screenshot(page, "trust-confirm-reset");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await queue.getByRole("listitem").count(), 1);
    assert.equal((await page.evaluate(() => window.__tones)).length, 1);

    // Confirmed with the keyboard: kept, synced, and the device must enrol again.
    await tapCard(wipe.code);
    await dialog.waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: `Done: Reset device certificate for this device (${target.serial}).` }).waitFor();
    assert.equal((await page.evaluate(() => window.__tones)).length, 2);
    await queue.getByRole("listitem").filter({ hasText: "Reset device certificate" }).filter({ hasText: "applied" }).waitFor();
    assert.equal((await device(target.id)).enrolled, false);

    // From now on its signature opens nothing: the screen says so and keeps the bundle it had.
    await page.goto(server.url);
    await page.getByText("This phone's certificate was reset, so it cannot download fresh offline data as a device").waitFor();
  } finally {
    await phone.close();
  }
});

/** `Date.now` two hours behind while the page is offline: a phone whose clock was set back with no network. */
function clockBackWhileOffline() {
  const real = Date.now.bind(Date);
  Date.now = () => real() - (navigator.onLine ? 0 : 2 * 3_600_000);
}

test("a phone whose clock goes back while offline says so instead of queueing a wrong time", async () => {
  await define("Plain operators", false);
  const bo = await accessToken("bo@example.com");
  const stock = await createToken("Clock: stock", { type: "put_in_stock" });
  const [first, second] = (await server.api("GET", "/api/v1/devices")).body.items.slice(1, 3);
  const browser = await startBrowser();
  try {
    await browser.context.addInitScript(clockBackWhileOffline);
    const page = await browser.context.newPage();
    await signInAsOperator(page, { identifier: "bo@example.com", passCode: bo.pass_code });
    await page.getByRole("status").filter({ hasText: `Signed in as operator #${bo.number}.` }).waitFor();
    await page.goto(server.url);
    await page.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();

    // Online: redeemed and synced, so the phone learns the MDM's time.
    await page.getByLabel("Token code").fill(stock.code);
    await page.getByLabel("Device serial").fill(first.serial);
    await page.getByRole("button", { name: "Redeem" }).click();
    const queue = page.getByRole("region", { name: "Queue" });
    await queue.getByRole("listitem").filter({ hasText: first.serial }).filter({ hasText: "applied" }).waitFor();

    // Offline, the clock reads two hours earlier: nothing is queued, and the phone says why.
    await browser.context.setOffline(true);
    await page.getByText("Offline: work is kept on this phone").waitFor();
    assert.ok(await page.evaluate(() => Date.now() < performance.timeOrigin + performance.now() - 3_600_000));
    await page.getByLabel("Device serial").fill(second.serial);
    await page.getByRole("button", { name: "Redeem" }).click();
    await page.getByRole("alert").filter({ hasText: /clock went back about 12\d minutes/ }).waitFor();
    assert.equal(await queue.getByRole("listitem").count(), 1);
    await screenshot(page, "trust-clock-went-back");

    // Back online, the clock is right again: the same redemption is kept.
    await browser.context.setOffline(false);
    await page.getByRole("button", { name: "Redeem" }).click();
    await queue.getByRole("listitem").filter({ hasText: second.serial }).filter({ hasText: "applied" }).waitFor();
  } finally {
    await browser.close();
  }
});
