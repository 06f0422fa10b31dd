// axe-core (WCAG 2.x A and AA, best practices) on every page of both apps against the real MDM and the release
// PWA: no serious or critical violation anywhere. Pages with states that change what is on screen (the token
// side panel) are checked in those states too. The other suites check behaviour; this one walks every route.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, checkA11y } from "./support.mjs";

let server;
let browser;

before(async () => {
  server = await startServer({ org: "Axe Logistics" });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The admin app's navigation, read from the page itself so that a new page is checked without editing this. */
async function adminPages(page) {
  const links = page.getByRole("navigation", { name: "Admin" }).getByRole("link");
  return links.evaluateAll((anchors) => anchors.map((a) => ({ name: a.textContent.trim(), href: a.getAttribute("href") })));
}

for (const [size, width] of [["a desktop", 1280], ["a tablet", 768], ["a phone", 412]]) test(`every admin page, at ${size} width, has no serious or critical axe-core violation`, async () => {
  const page = await browser.context.newPage();
  // At narrower widths the wide tables scroll sideways: axe's scrollable-region-focusable applies there.
  await page.setViewportSize({ width, height: 900 });
  await page.goto(new URL("/admin/sign-in", server.url).href);
  await page.getByLabel("API token").waitFor();
  await checkA11y(page, "/admin/sign-in");
  await page.getByLabel("API token").fill(server.admin.admin_token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Action Tokens" }).waitFor();

  const pages = await adminPages(page);
  assert.ok(pages.length >= 10, `the admin navigation lists its pages (found ${pages.length})`);
  for (const { name, href } of pages) {
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name, exact: true }).click();
    await page.waitForFunction((path) => location.pathname === path, href);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    // Lists load after the heading: wait until no table or list says it is loading.
    await page.waitForFunction(() => !document.querySelector("[aria-busy='true']"));
    await checkA11y(page, `${href} at ${width} px`);
  }

  // The token side panel (QR code, actions) is the admin's most used state.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Action Tokens", exact: true }).click();
  const { body } = await server.api("GET", "/api/v1/action-tokens");
  const name = body.items[0].name;
  await page.getByRole("button", { name, exact: true }).click();
  await page.getByRole("complementary").getByRole("heading", { name }).waitFor();
  await checkA11y(page, "/admin with a token's side panel open");
  await page.close();
});

test("every operator page, at a phone size, has no serious or critical axe-core violation", async () => {
  const page = await browser.context.newPage();
  for (const path of ["/sign-in", "/", "/enrol", "/activator"]) {
    await page.goto(new URL(path, server.url).href);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await checkA11y(page, path);
  }
  await page.close();
});
