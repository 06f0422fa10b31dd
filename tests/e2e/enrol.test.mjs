// The phone as a device, against the real MDM: it enrols with the one-time code an admin shows (making its own
// Ed25519 key, non-extractable in WebCrypto, and proving it holds it), then "This device" redeems for itself;
// after a reset_certificate redemption the token screen asks it to enrol again, and a wrong code is refused in
// words. Redemptions are carried by an operator's session or, with nobody signed in, by the phone's own device
// signature; never by an admin's API token. Where WebCrypto has no Ed25519 the phone enrols with a software key and says so, and a phone enrolled
// before WebCrypto keys (its seed kept as JSON text) still redeems as "This device".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { startServer, startBrowser, signInAsOperator, createOperator, auditLog, screenshot, createActionToken } from "./support.mjs";

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

const createToken = (name, action) => createActionToken(server, name, action);

async function device(id) {
  const { status, body } = await server.api("GET", `/api/v1/devices/${id}`);
  assert.equal(status, 200);
  return body;
}

/** Opens the token screen with a fresh offline bundle (signing in downloads it). */
async function tokenScreen(on = page) {
  await on.goto(server.url);
  await on.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
}

/**
 * Redeems a new "put in repair" token called `name` as "This device" on a freshly opened token screen (so its
 * bundle holds every token made before); resolves once the MDM applied it to `target`.
 */
async function repairAsThisDevice(name, target) {
  const repair = await createToken(name, { type: "put_in_repair" });
  await tokenScreen();
  await page.getByLabel("Token code").fill(repair.code);
  await page.getByRole("button", { name: "This device" }).click();
  assert.equal(await page.getByLabel("Device serial").inputValue(), target.serial);
  await page.getByRole("button", { name: "Redeem" }).click();
  const queue = page.getByRole("region", { name: "Queue" });
  await queue.getByRole("listitem").filter({ hasText: target.serial }).filter({ hasText: "applied" }).waitFor();
  assert.equal((await device(target.id)).state, "in_repair");
}

let fieldSession;

/**
 * The session of a field operator working elsewhere (signed in through the API, as the PWA's sign-in screen does):
 * the carrier of the resets this file sets up, which happen away from the phone under test.
 */
async function fieldOperator() {
  if (!fieldSession) {
    const operator = await createOperator(server);
    const { status, body } = await server.api(
      "POST",
      "/api/v1/operator/session",
      { identifier: operator.identifier, pass_code: operator.pass_code },
      null,
    );
    assert.equal(status, 201, JSON.stringify(body));
    fieldSession = body.token;
  }
  return fieldSession;
}

/**
 * Resets `target`'s certificate the way the field does (an administrator's reset_certificate token, redeemed and
 * synced by an operator elsewhere) and issues a code.
 */
async function enrolmentCode(target, name) {
  const reset = await createToken(name, { type: "reset_certificate" });
  const synced = await server.api("POST", "/api/v1/sync", {
    redemptions: [{ id: `${name.toLowerCase().replace(/\W+/g, "-")}-${target.id}`, token: reset.code, device_id: target.id, scanned_at: new Date().toISOString() }],
  }, await fieldOperator());
  assert.equal(synced.body.results[0].status, "applied", JSON.stringify(synced.body));
  assert.equal((await device(target.id)).enrolled, false);
  const issued = await server.api("POST", `/api/v1/devices/${target.id}/enrolment`);
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  return issued.body;
}

/**
 * What `on`'s page keeps under `device` in IndexedDB (see src/operator/store.rs), described for Node: JSON text
 * as it is, an object with its fields, and its CryptoKeys by their properties. For a key pair it also signs and
 * verifies with the stored keys, to show they still work once read back from storage.
 */
async function keptDevice(on) {
  return on.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("fieldtoken", 1);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const value = await new Promise((resolve, reject) => {
      const request = db.transaction("bundle").objectStore("bundle").get("device");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    if (typeof value !== "object" || value === null) return { text: value };
    const key = (k) =>
      k instanceof CryptoKey
        ? { cryptoKey: true, type: k.type, extractable: k.extractable, algorithm: k.algorithm.name, usages: k.usages }
        : { cryptoKey: false };
    const { privateKey, publicKey } = value.keys ?? {};
    let signs = false;
    let exported = null;
    if (privateKey instanceof CryptoKey && publicKey instanceof CryptoKey) {
      const data = new TextEncoder().encode("kept keys still sign");
      const signature = await crypto.subtle.sign("Ed25519", privateKey, data);
      signs = await crypto.subtle.verify("Ed25519", publicKey, signature, data);
      exported = [...new Uint8Array(await crypto.subtle.exportKey("raw", publicKey))]
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
    }
    return {
      fields: Object.keys(value).sort(),
      id: value.id,
      public_key: value.public_key,
      privateKey: key(privateKey),
      publicKey: key(publicKey),
      signs,
      exported,
    };
  });
}

/** Writes `value` under `device` in `on`'s IndexedDB, as the PWA before WebCrypto keys did. */
async function keepDevice(on, value) {
  await on.evaluate(
    (value) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("fieldtoken", 1);
        open.onsuccess = () => {
          const tx = open.result.transaction("bundle", "readwrite");
          tx.objectStore("bundle").put(value, "device");
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    value,
  );
}

test("the phone enrols with the admin's code, redeems as 'This device', and is asked to enrol again after a reset", async () => {
  const [target] = (await server.api("GET", "/api/v1/devices")).body.items;
  // The seeded devices are enrolled: reset this one the way the field does, so it needs a code.
  const issued = await enrolmentCode(target, "Reset certificate");
  const wrong = await createToken("Never an enrolment code", { type: "put_in_repair" });

  // An operator signs in on the phone (downloading the offline bundle); their session carries its redemptions.
  await signInAsOperator(page, server);

  // A code with a right check symbol that the MDM never issued: refused, in words, nothing kept.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Enrol device" }).click();
  await page.getByRole("heading", { level: 1, name: "Enrol this device" }).waitFor();
  await page.getByText("This phone is not enrolled as a device.").waitFor();
  const box = page.getByLabel("Enrolment code");
  await box.fill(wrong.code);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("alert").filter({ hasText: /^Not enrolled: / }).waitFor();
  assert.equal((await device(target.id)).enrolled, false);
  assert.deepEqual(await keptDevice(page), { text: undefined });

  // The admin's code, as the QR holds it (no hyphens): enrolled, and the MDM has the certificate.
  await box.fill(issued.qr.text);
  await page.getByText(/the check symbol matches/).waitFor();
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").filter({ hasText: `Enrolled: this phone is device #${target.id} of the MDM. Its key cannot be copied out of this browser.` }).waitFor();
  await page.getByText(`This phone is enrolled as device #${target.id}. Its key cannot be copied out of this browser.`).waitFor();
  await screenshot(page, "operator-enrolled");
  assert.equal((await device(target.id)).enrolled, true);
  // The phone keeps a WebCrypto key pair whose private half no script can read, and no seed.
  const kept = await keptDevice(page);
  assert.deepEqual(kept.fields, ["id", "keys", "public_key"], JSON.stringify(kept));
  assert.equal(kept.id, target.id);
  assert.match(kept.public_key, /^[0-9a-f]{64}$/);
  assert.deepEqual(kept.privateKey, { cryptoKey: true, type: "private", extractable: false, algorithm: "Ed25519", usages: ["sign"] });
  assert.deepEqual(kept.publicKey, { cryptoKey: true, type: "public", extractable: true, algorithm: "Ed25519", usages: ["verify"] });
  assert.equal(kept.exported, kept.public_key, "the kept public key is the one registered");
  assert.equal(kept.signs, true, "the kept keys still sign once read back from storage");
  // The code was one-time.
  const again = await server.api("POST", "/api/v1/enrol", { code: issued.code, public_key: "00".repeat(32), proof: "00".repeat(64) }, null);
  assert.ok(again.status >= 400 && again.status < 500, JSON.stringify(again.body));

  // "This device" picks the phone's own serial for a redemption.
  const secondReset = await createToken("Reset again", { type: "reset_certificate" });
  await repairAsThisDevice("Repair", target);
  const queue = page.getByRole("region", { name: "Queue" });

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

test("where WebCrypto has no Ed25519, the phone enrols with a software key and says which kind it holds", async () => {
  const [, target] = (await server.api("GET", "/api/v1/devices")).body.items;
  const issued = await enrolmentCode(target, "Reset for the software key");
  // A fresh profile (not enrolled), in which WebCrypto refuses Ed25519 as browsers without it do.
  const other = await startBrowser();
  try {
    const phone = await other.context.newPage();
    await phone.addInitScript(() => {
      const generateKey = SubtleCrypto.prototype.generateKey;
      SubtleCrypto.prototype.generateKey = function (algorithm, ...rest) {
        const name = typeof algorithm === "string" ? algorithm : algorithm?.name;
        if (String(name).toLowerCase() === "ed25519") {
          globalThis.ed25519Refused = (globalThis.ed25519Refused ?? 0) + 1;
          return Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"));
        }
        return generateKey.call(this, algorithm, ...rest);
      };
    });
    await signInAsOperator(phone, server);
    await phone.goto(new URL("/enrol", server.url).href);
    await phone.getByText("This phone is not enrolled as a device.").waitFor();
    await phone.getByLabel("Enrolment code").fill(issued.code);
    await phone.getByRole("button", { name: "Enrol" }).click();
    const storage = "Its key is kept in this browser's storage, from where it could be copied.";
    await phone.getByRole("status").filter({ hasText: `Enrolled: this phone is device #${target.id} of the MDM. ${storage}` }).waitFor();
    await phone.getByText(`This phone is enrolled as device #${target.id}. ${storage}`).waitFor();
    await screenshot(phone, "operator-enrolled-software-key");
    assert.equal(await phone.evaluate(() => globalThis.ed25519Refused), 1, "the page asked WebCrypto first");
    assert.equal((await device(target.id)).enrolled, true);
    const { text } = await keptDevice(phone);
    const kept = JSON.parse(text);
    assert.deepEqual(Object.keys(kept).sort(), ["id", "public_key", "seed"]);
    assert.equal(kept.id, target.id);
    assert.match(kept.seed, /^[0-9a-f]{64}$/);

    const repair = await createToken("Repair, software key", { type: "put_in_repair" });
    await tokenScreen(phone);
    await phone.getByLabel("Token code").fill(repair.code);
    await phone.getByRole("button", { name: "This device" }).click();
    assert.equal(await phone.getByLabel("Device serial").inputValue(), target.serial);
  } finally {
    await other.close();
  }
});

test("a phone enrolled before WebCrypto keys (its seed kept as JSON text) is still 'This device'", async () => {
  const [, , target] = (await server.api("GET", "/api/v1/devices")).body.items;
  const issued = await enrolmentCode(target, "Reset for the old phone");
  // The old phone's software key, enrolled the way the PWA did it: the seed's public key and its proof.
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32).toString("hex");
  const public_key = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url").toString("hex");
  const proof = sign(null, Buffer.from(`fieldtoken/enrolment/v1:${issued.code}`, "ascii"), privateKey).toString("hex");
  const enrolled = await server.api("POST", "/api/v1/enrol", { code: issued.code, public_key, proof }, null);
  assert.ok(enrolled.status >= 200 && enrolled.status < 300, JSON.stringify(enrolled.body));
  assert.equal(enrolled.body.id, target.id);

  await tokenScreen();
  // Exactly the text the PWA wrote before WebCrypto keys (serde_json of `{ id, public_key, seed }`).
  const old = JSON.stringify({ id: target.id, public_key, seed });
  await keepDevice(page, old);
  await repairAsThisDevice("Repair, old phone", target);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Enrol device" }).click();
  await page.getByText(`This phone is enrolled as device #${target.id}. Its key is kept in this browser's storage`).waitFor();
  // Loading it left the record as it was.
  assert.deepEqual(await keptDevice(page), { text: old });
});

test("an enrolled phone with nobody signed in redeems for itself with its device signature, offline then online; refused after a reset until it enrols again", async () => {
  const [, , , target] = (await server.api("GET", "/api/v1/devices")).body.items;
  // The reset that sends the device to enrolment is redeemed by an operator elsewhere; the phone's own redemptions
  // below carry no token at all, only the phone's signature.
  const issued = await enrolmentCode(target, "Reset for device signing");
  const other = await startBrowser();
  try {
    const phone = await other.context.newPage();
    // An operator sets the phone up (the offline bundle is downloaded by a signed-in client) and enrols it at
    // /enrol, then signs out.
    await signInAsOperator(phone, server);
    await phone.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Enrol device" }).click();
    await phone.getByLabel("Enrolment code").fill(issued.code);
    await phone.getByRole("button", { name: "Enrol" }).click();
    await phone.getByRole("status").filter({ hasText: `Enrolled: this phone is device #${target.id} of the MDM.` }).waitFor();
    const repair = await createToken("Repair, device-signed", { type: "put_in_repair" });
    const stock = await createToken("Stock, device-signed", { type: "put_in_stock" });
    await tokenScreen(phone);
    await phone.getByRole("button", { name: "Sign out" }).click();
    await phone.getByText("Signed in as").waitFor({ state: "detached" });
    assert.equal(await phone.evaluate(() => localStorage.getItem("fieldtoken.session")), null, "nobody signed in");
    const queue = phone.getByRole("region", { name: "Queue" });
    const redeem = async (code) => {
      await phone.getByLabel("Token code").fill(code);
      await phone.getByRole("button", { name: "This device" }).click();
      assert.equal(await phone.getByLabel("Device serial").inputValue(), target.serial);
      await phone.getByRole("button", { name: "Redeem" }).click();
      await phone.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
    };
    /** The next answer of the MDM to a sync from this phone, and what the phone sent. */
    const nextSync = () =>
      phone.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/sync" && r.request().method() === "POST")
        .then(async (r) => ({ status: r.status(), body: await r.json(), sent: r.request() }));
    /** The audit log's `redemption.apply` entry for `token` on the target. */
    const applied = async (token) =>
      (await auditLog(server)).find(
        (e) => e.action === "redemption.apply" && e.target === `device/${target.id}` && e.detail.action_token === token.id,
      );

    // Offline: kept and waiting. Online: the phone's signature carries it, with no bearer token.
    await other.context.setOffline(true);
    await redeem(repair.code);
    await queue.getByRole("listitem").filter({ hasText: "waiting" }).waitFor();
    assert.notEqual((await device(target.id)).state, "in_repair", "nothing reached the MDM while offline");
    // Back online the phone may sync at once, before Sync now: the first answer is awaited either way.
    const first = nextSync();
    await other.context.setOffline(false);
    await phone.getByRole("button", { name: "Sync now" }).click();
    const signed = await first;
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(signed.sent.headers().authorization, undefined, "no bearer token");
    assert.equal(signed.sent.postDataJSON().device_signature.device_id, target.id);
    await queue.getByRole("listitem").filter({ hasText: /repair/i }).filter({ hasText: "applied" }).waitFor();
    assert.equal((await device(target.id)).state, "in_repair");
    const byDevice = await applied(repair);
    assert.equal(byDevice?.actor, `device ${target.id}`, JSON.stringify(byDevice));
    assert.equal(byDevice.detail.operator, undefined, "no operator carried it");

    // An administrator's reset_certificate token is redeemed on the device elsewhere: the phone's next sync is
    // refused certificate_reset, the phone says so in words and offers to enrol, and the redemption waits.
    const again = await enrolmentCode(target, "Reset while the phone works");
    const refused = nextSync();
    await redeem(stock.code);
    await phone.getByRole("button", { name: "Sync now" }).click();
    const answer = await refused;
    assert.equal(answer.status, 401, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, "certificate_reset");
    await queue
      .getByRole("alert")
      .filter({ hasText: "this device's certificate was reset, so the MDM no longer accepts its signature. Enrol it again (Enrol device)" })
      .waitFor();
    await queue.getByRole("listitem").filter({ hasText: /stock/i }).filter({ hasText: "waiting" }).waitFor();
    assert.equal((await device(target.id)).state, "in_repair");
    assert.equal(await applied(stock), undefined);
    await screenshot(phone, "operator-device-signature-refused");

    // Enrolled again, from the link the message names (a new key): the waiting redemption is signed with it and
    // applied.
    await phone.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Enrol device" }).click();
    await phone.getByRole("heading", { level: 1, name: "Enrol this device" }).waitFor();
    await phone.getByLabel("Enrolment code").fill(again.code);
    await phone.getByRole("button", { name: "Enrol" }).click();
    await phone.getByRole("status").filter({ hasText: `Enrolled: this phone is device #${target.id} of the MDM.` }).waitFor();
    const accepted = nextSync();
    await phone.goto(server.url);
    await phone.getByRole("button", { name: "Sync now" }).click();
    assert.equal((await accepted).status, 200);
    await queue.getByRole("listitem").filter({ hasText: /stock/i }).filter({ hasText: "applied" }).waitFor();
    assert.equal((await device(target.id)).state, "in_stock");
    assert.equal((await applied(stock))?.actor, `device ${target.id}`);
    assert.equal(await phone.evaluate(() => localStorage.getItem("fieldtoken.session")), null, "nobody signed in");
  } finally {
    await other.close();
  }
});
