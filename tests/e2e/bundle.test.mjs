// Issue 14's incremental offline bundle in the browser: the operator's phone downloads the compact bundle once,
// refreshes with only what changed since its version (a token created, a token deleted), goes offline, and then
// accepts the new token and refuses the deleted one, from what it keeps in IndexedDB.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, bundleInfo } from "fieldtoken";
import { startServer, startBrowser, signInAsOperator, screenshot, createActionToken } from "./support.mjs";

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });

let server;
let browser;

before(async () => {
  server = await startServer({ org: "Acme Refresh" });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const createToken = (name, action) => createActionToken(server, name, action);

/** The next compact bundle answer the page receives: its URL, its bytes, and what `bundleInfo` says of them. */
function nextBundleAnswer(page) {
  return page
    .waitForResponse((r) => r.url().includes("/api/v1/offline-bundle") && r.request().method() === "GET")
    .then(async (response) => {
      assert.equal(response.status(), 200);
      assert.equal(response.headers()["content-type"], "application/vnd.fieldtoken.bundle");
      const bytes = new Uint8Array(await response.body());
      return { url: new URL(response.url()), bytes, info: bundleInfo(bytes) };
    });
}

test("a phone refreshed with only the changes accepts a newer token and refuses a deleted one offline", async () => {
  const doomed = await createToken("Deleted after the first download", { type: "put_in_stock" });
  const devices = (await server.api("GET", "/api/v1/devices")).body.items;
  const device = devices.find((d) => d.state !== "in_repair");
  const page = await browser.context.newPage();

  // First download: signing in fetches the whole compact bundle, which knows the doomed token.
  const first = nextBundleAnswer(page);
  await signInAsOperator(page, server);
  const full = await first;
  assert.equal(full.url.searchParams.get("format"), "compact");
  assert.equal(full.url.searchParams.get("since"), null);
  assert.equal(full.info.since, undefined, "a full bundle");
  await page.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.getByLabel("Token code").fill(doomed.code);
  await page.getByRole("heading", { name: `Token #${doomed.id}` }).waitFor();

  // Meanwhile an admin creates a token and deletes the doomed one.
  const fresh = await createToken("Created after the first download", { type: "put_in_repair" });
  assert.equal((await server.api("DELETE", `/api/v1/action-tokens/${doomed.id}`)).status, 204);

  // The phone refreshes (a reload while online): it sends its version and gets only the two changes.
  const refresh = nextBundleAnswer(page);
  await page.reload();
  const changes = await refresh;
  assert.equal(Number(changes.url.searchParams.get("since")), full.info.version);
  assert.equal(changes.info.since, full.info.version, "changes, not the whole bundle");
  assert.equal(changes.info.version, full.info.version + 2);
  assert.ok(changes.bytes.length < 2048, `a refresh after two changes is small: ${changes.bytes.length} bytes`);
  await page.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
  // It is kept: IndexedDB holds the bundle at the new version (what the next refresh sends as since).
  const kept = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("fieldtoken");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction("bundle").objectStore("bundle").get("compact");
          get.onsuccess = () => resolve(Array.from(get.result));
          get.onerror = () => reject(get.error);
        };
      }),
  );
  assert.equal(bundleInfo(new Uint8Array(kept)).version, changes.info.version);

  // Offline, after a reload (the service worker serves the app, IndexedDB the bundle).
  await browser.context.setOffline(true);
  await page.reload();
  await page.getByText(/Token checks use the MDM's data of .*, kept on this phone\./).waitFor();
  await page.getByText("Offline: work is kept on this phone").waitFor();

  // The token created after the first download is accepted and redeemed on the phone.
  const box = page.getByLabel("Token code");
  await box.fill(fresh.code);
  await page.getByRole("heading", { name: `Token #${fresh.id}` }).waitFor();
  await page.getByText("Put in Repair", { exact: true }).waitFor();
  await page.getByLabel("Device serial").fill(device.serial);
  await page.getByText("Ready: the device will be in repair.").waitFor();
  await page.getByRole("button", { name: "Redeem" }).click();
  await page.getByRole("status").filter({ hasText: "Saved on this phone" }).waitFor();
  await screenshot(page, "bundle-refreshed-offline-accepts-new");

  // The deleted token is refused: its code left the directory, and its signed QR is on the deleted list.
  await box.fill(doomed.code);
  await page.getByRole("alert").filter({ hasText: "this code is not a known token" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Redeem" }).count(), 0);
  await box.fill(doomed.qr.new);
  await page.getByRole("alert").filter({ hasText: "This token was deleted by an administrator." }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Redeem" }).count(), 0);
  await screenshot(page, "bundle-refreshed-offline-refuses-deleted");
  await browser.context.setOffline(false);
});
