// The service worker's work for the operator, against the real MDM: a new release waits until the operator
// reloads into it; Background Sync sends the queue with the app closed; the queue honours the MDM's
// Retry-After, stops retrying on refusals a resend cannot change, and clears what the MDM answered.
//
// Background Sync fires when the browser's own network returns, which a test cannot switch; the test fires
// the sync event through the DevTools protocol (`ServiceWorker.dispatchSyncEvent`), as DevTools' "Sync"
// button does. Everything else is the real browser, worker and MDM.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, startBrowser, signInAsOperator, auditLog, screenshot, DIST, createActionToken } from "./support.mjs";

let web;
let server;
let browser;

before(async () => {
  // A copy of the build, so a test can publish a "new release" under the running server.
  web = mkdtempSync(join(tmpdir(), "fieldtoken-web-"));
  cpSync(DIST, web, { recursive: true });
  server = await startServer({ org: "Worker Ops", web });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(web, { recursive: true, force: true });
});

const createToken = createActionToken;

/**
 * A new operator signs in on /sign-in (which opens the token screen and downloads the offline bundle), once the
 * service worker controls the page; resolves to the operator's access token.
 */
async function openTokenScreen(page, srv) {
  const operator = await signInAsOperator(page, srv);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return operator;
}

async function redeem(page, code, serial) {
  await page.getByLabel("Token code").fill(code);
  await page.getByLabel("Device serial").fill(serial);
  await page.getByRole("button", { name: "Redeem" }).click();
  await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
}

const queueOf = (page) => page.getByRole("region", { name: "Queue" });

test("a new release waits: 'Reload to update' switches to it when the operator says so", async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const [before] = await page.evaluate(() => caches.keys());

  // Publish a new release: the worker's bytes change, as they do with every build.
  const sw = join(web, "sw.js");
  const version = /const VERSION = "([0-9a-f]+)";/.exec(readFileSync(sw, "utf8"))[1];
  writeFileSync(sw, readFileSync(sw, "utf8").replace(`"${version}"`, `"${version}next"`));
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());

  const prompt = page.getByRole("status").filter({ hasText: "A new version of fieldtoken is ready" });
  await prompt.waitFor();
  await screenshot(page, "update-ready");
  // Until the operator agrees, the running version stays in charge.
  assert.ok((await page.evaluate(() => caches.keys())).includes(before), "the running version's cache is kept");
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Reload to update" }).click()]);
  await page.getByRole("heading", { level: 1, name: "Action tokens, in the field" }).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // The new version took over and the old cache is gone.
  assert.deepEqual(await page.evaluate(() => caches.keys()), [`fieldtoken-${version}next`]);
  assert.equal(await prompt.count(), 0);
  await page.close();
});

test("Background Sync sends the queue with the app closed, exactly once", async () => {
  const devices = (await server.api("GET", "/api/v1/devices")).body.items;
  const device = devices.find((d) => d.state !== "in_stock");
  const token = await createToken(server, "Back to stock", { type: "put_in_stock" });
  const page = await browser.context.newPage();
  const operator = await openTokenScreen(page, server);

  // Offline: the redemption waits on the phone, and the app asks the browser for a Background Sync.
  await browser.context.setOffline(true);
  await redeem(page, token.code, device.serial);
  await queueOf(page).getByRole("listitem").filter({ hasText: "waiting" }).waitFor();
  const registered = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return "sync" in registration;
  });
  assert.ok(registered, "this Chromium has Background Sync");

  // The app is closed; then the network comes back and the browser wakes the worker.
  await page.close();
  await browser.context.setOffline(false);
  const blank = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(blank);
  const registrationId = await new Promise((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
    cdp.send("ServiceWorker.enable");
  });
  await cdp.send("ServiceWorker.dispatchSyncEvent", {
    origin: server.url,
    registrationId,
    tag: "fieldtoken-queue",
    lastChance: false,
  });
  const deadline = Date.now() + 15_000;
  while ((await server.api("GET", `/api/v1/devices/${device.id}`)).body.state !== "in_stock") {
    assert.ok(Date.now() < deadline, "the worker's sync reached the MDM");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The worker carried the queue with the operator's session, kept where it can read it with the app closed.
  const entry = (await auditLog(server)).find((e) => e.action === "redemption.apply" && e.detail.action_token === token.id);
  assert.equal(entry?.detail.operator, operator.number, JSON.stringify(entry));

  // The worker wrote the MDM's answer where the app keeps its queue.
  const again = await browser.context.newPage();
  await again.goto(server.url);
  await queueOf(again).getByRole("listitem").filter({ hasText: device.serial }).filter({ hasText: "applied" }).waitFor();
  // A second wake-up with the app closed sends nothing: only waiting items go out (a resend would come back
  // "duplicate" and show so).
  await again.close();
  await cdp.send("ServiceWorker.dispatchSyncEvent", { origin: server.url, registrationId, tag: "fieldtoken-queue", lastChance: false });
  const last = await browser.context.newPage();
  await last.goto(server.url);
  await queueOf(last).getByRole("listitem").filter({ hasText: device.serial }).filter({ hasText: "applied" }).waitFor();
  assert.equal(await queueOf(last).getByRole("listitem").filter({ hasText: "duplicate" }).count(), 0);
  await last.close();
  await blank.close();
});

test("batch mode keeps the token; the queue waits as long as the MDM's Retry-After, stops on a refused sign-in, and clears what was answered", async () => {
  // One sync request per ten minutes: the second one is refused with 429 and Retry-After.
  const limited = await startServer({ org: "Limited Ops", serveArgs: ["--sync-limit", "1", "--limit-window", "600"] });
  const page = await browser.context.newPage();
  try {
    const devices = (await limited.api("GET", "/api/v1/devices")).body.items;
    const [first, second] = devices;
    const token = await createToken(limited, "Repair", { type: "put_in_repair" });
    const operator = await openTokenScreen(page, limited);
    const items = queueOf(page).getByRole("listitem");

    await redeem(page, token.code, first.serial);
    await items.filter({ hasText: first.serial }).filter({ hasText: "applied" }).waitFor();
    // Batch mode: the token stays on screen for the next device; only the device is asked for again.
    await page.getByRole("status").filter({ hasText: "The token stays: type or scan the next device" }).waitFor();
    assert.equal(await page.getByLabel("Token code").inputValue(), token.code);
    assert.equal(await page.getByLabel("Device serial").inputValue(), "");
    await page.getByLabel("Device serial").fill(second.serial);
    await page.getByRole("button", { name: "Redeem" }).click();
    const note = queueOf(page).getByRole("alert");
    await note.filter({ hasText: /next try in \d+ s/ }).waitFor();
    const seconds = Number(/next try in (\d+) s/.exec(await note.textContent())[1]);
    assert.ok(seconds > 60, `waits as the MDM asked (${seconds} s), not the 5 s back-off`);
    await items.filter({ hasText: second.serial }).filter({ hasText: "waiting" }).waitFor();

    // "Clear answered" removes the applied item from the phone, for good; the waiting one stays.
    await page.getByRole("button", { name: "Clear answered" }).click();
    await queueOf(page).getByText("Cleared 1 answered redemption(s).").waitFor();
    await page.reload();
    await items.filter({ hasText: second.serial }).filter({ hasText: "waiting" }).waitFor();
    assert.equal(await items.count(), 1);

    // A sign-in the MDM no longer accepts (an administrator set the operator's access token 'Not Effective', which
    // ends its sessions): the queue says what to do instead of retrying in a loop.
    const off = await limited.api("POST", `/api/v1/access-tokens/${operator.number}/set-not-effective`);
    assert.equal(off.status, 200, JSON.stringify(off.body));
    await page.getByRole("button", { name: "Sync now" }).click();
    await queueOf(page).getByRole("alert").filter({ hasText: "Sign in again (Operator sign-in)" }).waitFor();
    await screenshot(page, "queue-sign-in-again");
  } finally {
    await page.close();
    await limited.stop();
  }
});
