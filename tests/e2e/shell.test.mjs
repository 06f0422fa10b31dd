// The PWA shell from the real MDM: it loads, its service worker installs, and after one visit it starts
// again with the network gone (server stopped and the browser offline).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, screenshot } from "./support.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the shell loads from the MDM, with its landmarks and the MDM's version", async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.getByRole("heading", { level: 1, name: "Action tokens, in the field" }).waitFor();
  assert.equal(await page.title(), "fieldtoken");
  assert.equal(await page.getByRole("navigation", { name: "Main" }).count(), 1);
  await page.getByText(/Connected to the MDM \(version \d+\.\d+\.\d+\)/).waitFor();
  // The connection's status (the token screen has its own live region for what it saves, empty until then).
  assert.equal(await page.getByRole("status").filter({ hasText: /^(Online|Offline)/ }).textContent(), "Online");
  await screenshot(page, "shell");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the service worker installs and controls the page", async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  // `ready` resolves as soon as there is an active worker, which may still be "activating" (its activate
  // handler deleting old caches and claiming clients): wait for the state change rather than racing it.
  const state = await page.evaluate(async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    if (worker.state !== "activated") {
      await new Promise((resolve) => {
        const settle = () => worker.state === "activated" && resolve();
        worker.addEventListener("statechange", settle);
        settle();
      });
    }
    return worker.state;
  });
  assert.equal(state, "activated");
  // `clients.claim()` on first install: the page is controlled without a reload.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const cache = await caches.open(names.find((name) => name.startsWith("fieldtoken-")));
    return (await cache.keys()).map((request) => new URL(request.url).pathname);
  });
  assert.ok(cached.includes("/index.html"), `index.html precached: ${cached}`);
  assert.ok(cached.some((path) => path.endsWith(".wasm")), `the app's wasm precached: ${cached}`);
  // The admin's app is a separate build that phones never download.
  assert.ok(!cached.some((path) => path.startsWith("/admin/")), `admin not precached: ${cached}`);
  await page.close();
});

test("the Admin link opens the admin's own app, from the MDM", async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await page.waitForURL(/\/admin/);
  assert.equal(await page.title(), "fieldtoken admin");
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  // And back: the operator's screens are one link away.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operator screens" }).click();
  await page.getByRole("heading", { level: 1, name: "Action tokens, in the field" }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("after one visit, the app starts with the network off", async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // No network at all: the server is gone and the browser is offline.
  const stopped = await server.stop();
  assert.equal(stopped.code, 0, "the MDM stops cleanly on SIGTERM");
  await browser.context.setOffline(true);

  await page.reload();
  await page.getByRole("heading", { level: 1, name: "Action tokens, in the field" }).waitFor();
  await page.getByText(/^Offline/).waitFor();
  await page.getByText(/Working offline/).waitFor();

  // A deep route too, not just the page that was visited.
  await page.goto(new URL("/no/such/route", server.url).href);
  await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
  await screenshot(page, "shell-offline");

  // The admin's app is not kept on the phone: offline, its address says why instead of failing.
  await page.goto(new URL("/admin/devices", server.url).href);
  await page.getByRole("heading", { level: 1, name: "The admin pages need the MDM" }).waitFor();
  await page.close();
});
