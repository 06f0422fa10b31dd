// NFC cards of the old format against the real MDM: the Activator writes a token's code to a card in the core's
// layout, reads it back and says so; its "Read a card" shows what a card holds, or the core's error code; a card
// tapped on the scan page fills the token in and its redemption reaches the MDM (carried by the session of the
// operator signed in on the phone); without Web NFC, or without
// permission, the screens say so.
//
// This machine has no NFC hardware: `ndef-shim.js` stands in for it. Chromium runs with
// --enable-blink-features=WebNFC, which exposes Web NFC's real interfaces (NDEFReadingEvent, NDEFMessage,
// NDEFRecord) but no adapter, so the shim replaces only `NDEFReader`; cards are read through real
// `NDEFReadingEvent`s built by Chromium's own constructor, whose records hold DataViews as on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { initSync, ndefRecords, qrPng, tokenFromNdef } from "fieldtoken";
import { startServer, startBrowser, signInAsOperator, auditLog, screenshot, y4mOf, cameraArgs, createActionToken } from "./support.mjs";

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });
const SHIM = new URL("./ndef-shim.js", import.meta.url).pathname;

let server;
let phone;
let page;
let operator;

/**
 * A browser profile with Web NFC's interfaces and, unless `shim` is false, the stand-in NFC hardware; with `video`
 * (a Y4M file), Chromium's fake back camera plays it.
 */
async function nfcBrowser({ shim = true, video } = {}) {
  const browser = await startBrowser(["--enable-blink-features=WebNFC", ...(video ? cameraArgs(video) : [])]);
  if (shim) await browser.context.addInitScript({ path: SHIM });
  return browser;
}

before(async () => {
  server = await startServer({ org: "Acme Cards" });
  phone = await nfcBrowser();
  page = await phone.context.newPage();
  // An operator signs in once, online: the screens download the offline bundle, and the session carries what the
  // phone redeems.
  operator = await signInAsOperator(page, server);
});

after(async () => {
  await phone?.close();
  await server?.stop();
});

const createToken = (name, action, expiresInMs) => createActionToken(server, name, action, expiresInMs);

async function open(path, p = page) {
  await p.goto(new URL(path, server.url).href);
  await p.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
}

/** A card read by the phone: `records` as Web NFC takes them (`NDEFRecordInit`). Returns how many readers got it. */
const tapCard = (records, serialNumber = "04:5b:21:aa:10:00:01") =>
  page.evaluate((init) => window.__ndef.read(init), { serialNumber, message: { records } });

/** The NDEF message bytes that writing Web NFC `url` and `text` records gives (NFC Forum layout, short records). */
function ndefBytes(records) {
  const utf8 = (s) => [...Buffer.from(s, "utf8")];
  const out = [];
  records.forEach((record, i) => {
    let type;
    let payload;
    if (record.recordType === "url") {
      const prefixes = ["http://www.", "https://www.", "http://", "https://"];
      const code = prefixes.findIndex((p) => record.data.startsWith(p)) + 1;
      assert.ok(code > 0, `a URI prefix for ${record.data}`);
      type = "U";
      payload = [code, ...utf8(record.data.slice(prefixes[code - 1].length))];
    } else {
      assert.equal(record.recordType, "text");
      assert.equal(record.encoding ?? "utf-8", "utf-8");
      type = "T";
      payload = [record.lang.length, ...utf8(record.lang), ...utf8(record.data)];
    }
    assert.ok(payload.length <= 255, "short records");
    const header = 0x10 | 0x01 | (i === 0 ? 0x80 : 0) | (i === records.length - 1 ? 0x40 : 0);
    out.push(header, 1, payload.length, type.charCodeAt(0), ...payload);
  });
  return Uint8Array.from(out);
}

test("Chromium exposes the real NDEFReadingEvent; the shim replaces only NDEFReader", async () => {
  await page.goto(server.url);
  const seen = await page.evaluate(() => ({
    event: /\[native code\]/.test(String(NDEFReadingEvent)),
    reader: /\[native code\]/.test(String(NDEFReader)),
    data: new NDEFReadingEvent("reading", { serialNumber: "", message: { records: [{ recordType: "text", data: "x" }] } })
      .message.records[0].data.constructor.name,
  }));
  assert.deepEqual(seen, { event: true, reader: false, data: "DataView" });
});

test("the Activator writes the core's card layout, which fits an NTAG213, and reads it back", async () => {
  const token = await createToken("Card: to repair", { type: "put_in_repair" });
  await open("/activator");
  await page.getByRole("heading", { level: 1, name: "Activator" }).waitFor();
  await page.getByText("Be careful not to store NFC Cards too close to devices to avoid unintentional actions.").waitFor();

  await page.getByLabel("Token code").fill(token.code.toLowerCase());
  await page.getByRole("heading", { name: `Token #${token.id}` }).waitFor();
  await page.getByRole("button", { name: "Activate token" }).click();
  await page.getByRole("status").filter({ hasText: "Place the card under the device." }).waitFor();

  // A blank card is placed: the pending write goes onto it.
  const message = await page.evaluate(() => window.__ndef.place());
  assert.ok(message, "the app was waiting to write");
  assert.deepEqual(message.records, ndefRecords(token.code, server.url), "the core's records, in order");
  const bytes = ndefBytes(message.records);
  const host = new URL(server.url).host;
  assert.equal(2 + bytes.length + 1, 60 + host.length, "FORMATS.md: a card takes 60 + host bytes");
  assert.ok(2 + bytes.length + 1 <= 144, "fits an NTAG213's 144 bytes of user memory");
  assert.deepEqual(tokenFromNdef(bytes), { format: "code", code: token.code });
  assert.deepEqual(tokenFromNdef(message), { format: "code", code: token.code });

  // Read back: the card as the phone now sees it.
  await page.getByRole("status").filter({ hasText: "Checking the card" }).waitFor();
  assert.equal(await tapCard(message.records), 1);
  await page
    .getByRole("status")
    .filter({ hasText: `Card ready: it holds token #${token.id} (${token.code}), ${2 + bytes.length + 1} of an NTAG213's 144 bytes.` })
    .waitFor();
  assert.deepEqual(await page.evaluate(() => window.__ndef.vibrations), [200]);
  await page.getByRole("button", { name: "Activate token" }).waitFor();
  await screenshot(page, "nfc-activator-written");
});

test("the Activator takes the token from its old-format QR code through the camera", async () => {
  const token = await createToken("Card: from the QR", { type: "reset_certificate" });
  assert.equal(token.qr.old, token.code, "the old-format QR holds the code");
  const dir = mkdtempSync(join(tmpdir(), "fieldtoken-nfc-camera-"));
  const video = join(dir, "old-qr.y4m");
  await y4mOf(page, qrPng(token.qr.old, { scale: 6, margin: 4 }), video);
  const master = await nfcBrowser({ video });
  try {
    await master.context.grantPermissions(["camera"], { origin: server.url });
    const p = await master.context.newPage();
    await signInAsOperator(p, server);
    await open("/activator", p);
    await p.getByRole("button", { name: "Scan with camera" }).click();
    await p.getByRole("heading", { name: `Token #${token.id}` }).waitFor();
    assert.equal(await p.getByLabel("Token code").inputValue(), token.code);
    await p.getByRole("button", { name: "Activate token" }).click();
    await p.getByRole("status").filter({ hasText: "Place the card under the device." }).waitFor();
    const message = await p.evaluate(() => window.__ndef.place());
    assert.deepEqual(tokenFromNdef(message), { format: "code", code: token.code });
    await p.getByRole("status").filter({ hasText: "Checking the card" }).waitFor();
    await p.evaluate((init) => window.__ndef.read(init), { serialNumber: "04:01", message });
    await p.getByRole("status").filter({ hasText: `Card ready: it holds token #${token.id}` }).waitFor();
  } finally {
    await master.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the Activator compares the read-back: another card's content is not a success", async () => {
  const token = await createToken("Card: to stock", { type: "put_in_stock" });
  await open("/activator");
  await page.getByLabel("Token code").fill(token.code);
  await page.getByRole("button", { name: "Activate token" }).click();
  await page.getByRole("status").filter({ hasText: "Place the card under the device." }).waitFor();
  const message = await page.evaluate(() => window.__ndef.place());
  await page.getByRole("status").filter({ hasText: "Checking the card" }).waitFor();
  await tapCard([{ recordType: "text", lang: "en", data: "0410-6105-0R3G-G28A-Z" }]);
  await page.getByRole("status").filter({ hasText: "The card holds another token." }).waitFor();
  await tapCard(message.records);
  await page.getByRole("status").filter({ hasText: `Card ready: it holds token #${token.id}` }).waitFor();
});

test("the Activator refuses a code the offline bundle does not know, an expired token and a signed token", async () => {
  const soon = await createToken("Card: expires at once", { type: "put_in_stock" }, 3_000);
  const signed = await createToken("Card: signed only", { type: "put_in_repair" });
  await open("/activator");
  const activate = page.getByRole("button", { name: "Activate token" });

  // A well-formed code (FORMATS.md's vector) that this organisation never issued.
  await page.getByLabel("Token code").fill("0410-6105-0R3G-G28A-Z");
  await page.getByRole("alert").filter({ hasText: "unknown_token" }).waitFor();
  assert.equal(await activate.isDisabled(), true);

  await page.getByLabel("Token code").fill(signed.qr.new);
  await page.getByRole("alert").filter({ hasText: "bad_format" }).filter({ hasText: "NFC cards hold token codes" }).waitFor();
  assert.equal(await activate.isDisabled(), true);

  await page.waitForTimeout(Math.max(0, Date.parse(soon.expires_at) - Date.now() + 500));
  await page.getByLabel("Token code").fill(soon.code);
  await page.getByRole("alert").filter({ hasText: "expired" }).waitFor();
  assert.equal(await activate.isDisabled(), true);
  assert.equal(await page.evaluate(() => window.__ndef.written.length), 0, "nothing was written");
});

test("Read card: a card placed on the Activator shows the token it holds, with its offline verdict", async () => {
  const fleets = (await server.api("GET", "/api/v1/fleets")).body.items;
  const token = await createToken("Card: to a fleet", { type: "put_in_fleet", fleet_id: fleets[0].id });
  await open("/activator");
  await page.getByRole("heading", { level: 2, name: "Read card" }).waitFor();
  await page.getByText("NFC is on: tap a token card on the back of the phone.").waitFor();
  assert.equal(await tapCard(ndefRecords(token.code, server.url)), 1);
  await page.getByText("Card read.").waitFor();
  assert.equal(await page.getByLabel("Token code").inputValue(), token.code);
  await page.getByRole("heading", { name: `Token #${token.id}` }).waitFor();
  await page.getByText(`Put in Fleet “${fleets[0].name}”`, { exact: true }).waitFor();
  await screenshot(page, "nfc-read-card");
});

test("a card with a cut-off record, a foreign card and an unreadable card show clear errors with codes", async () => {
  const token = await createToken("Card: cut off", { type: "put_in_stock" });
  await open("/activator");
  await page.getByText("NFC is on: tap a token card on the back of the phone.").waitFor();

  // The Text record lost its last symbols (a card written by a faulty tool, or half overwritten).
  await tapCard([{ recordType: "text", lang: "en", data: token.code.slice(0, 14) }]);
  await page.getByText("This card cannot be used (bad_length):").waitFor();
  await screenshot(page, "nfc-read-card-cut-off");

  // A card of another application: a link elsewhere.
  await tapCard([{ recordType: "url", data: "https://example.com/menu" }]);
  await page.getByText("This card cannot be used (no_token):").waitFor();

  // The phone saw a card it could not read.
  await page.evaluate(() => window.__ndef.unreadable());
  await page.getByText("The phone saw a card but could not read it").waitFor();
  assert.equal(await page.getByLabel("Token code").inputValue(), "", "no token was taken from those cards");
});

test("tap-to-redeem: a card tapped on the scan page fills the token in, and its redemption reaches the MDM", async () => {
  const token = await createToken("Card: tap to stock", { type: "put_in_stock" });
  const device = (await server.api("GET", "/api/v1/devices")).body.items.find((d) => d.state !== "in_stock");
  await open("/");
  await page.getByText("NFC is on: tap a token card on the back of the phone.").waitFor();
  assert.equal(await tapCard(ndefRecords(token.code, server.url)), 1);
  await page.getByRole("heading", { name: `Token #${token.id}` }).waitFor();
  assert.equal(await page.getByLabel("Token code").inputValue(), token.code);
  await page.getByLabel("Device serial").fill(device.serial);
  await page.getByRole("button", { name: "Redeem" }).click();
  await page.getByRole("region", { name: "Queue" }).getByRole("listitem").filter({ hasText: device.serial })
    .filter({ hasText: "applied" }).waitFor();
  const after = (await server.api("GET", `/api/v1/devices/${device.id}`)).body;
  assert.equal(after.state, "in_stock");
  // Carried by the operator's session: the MDM recorded who tapped the card.
  const entry = (await auditLog(server)).find((e) => e.action === "redemption.apply" && e.detail.action_token === token.id);
  assert.equal(entry?.detail.operator, operator.number, JSON.stringify(entry));
  await screenshot(page, "nfc-tap-to-redeem");
});

test("without Web NFC the screens say so and offer the QR code", async () => {
  const plain = await startBrowser();
  try {
    const p = await plain.context.newPage();
    assert.equal(await p.evaluate(() => "NDEFReader" in window), false);
    await p.goto(server.url);
    await p.getByText("Web NFC is not available here").waitFor();
    await p.getByText("Use the token's QR code instead").waitFor();
    await p.getByRole("button", { name: "Scan with camera" }).waitFor();
    await p.goto(new URL("/activator", server.url).href);
    await p.getByText("Web NFC is not available here").waitFor();
    await p.getByRole("button", { name: "Scan with camera" }).waitFor();
    assert.equal(await p.getByRole("button", { name: "Activate token" }).isDisabled(), true);
    await screenshot(p, "nfc-missing");
  } finally {
    await plain.close();
  }
});

test("NFC permission denied gives a clear message", async () => {
  // Chromium's own NDEFReader (no shim): with no NFC permission it refuses to scan.
  const denied = await nfcBrowser({ shim: false });
  try {
    const p = await denied.context.newPage();
    // The automatic start is refused before NFC was ever allowed: the screen asks instead of reporting it.
    await p.goto(server.url);
    await p.getByRole("button", { name: "Read NFC cards" }).click();
    await p.getByText("NFC is not allowed for this site: allow NFC in the browser's site settings").waitFor();
    await p.goto(new URL("/activator", server.url).href);
    await p.getByRole("button", { name: "Read NFC cards" }).click();
    await p.getByText("NFC is not allowed for this site").waitFor();
  } finally {
    await denied.close();
  }
});
