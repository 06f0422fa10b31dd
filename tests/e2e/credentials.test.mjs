// Credentials in the browser (issue 18) against the real MDM: the API Tokens admin page (tokens listed without
// secrets, with who created them, their expiry and last use; revoking one asks first, then stops it and the token it
// created); the admin's and the operator's sessions kept apart; an idle admin session forgotten; the operator
// screens saying who is signed in, with "Sign out".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, signInAsAdmin, signInAsOperator, screenshot } from "./support.mjs";

let server;
let browser;
let page;

before(async () => {
  server = await startServer({ org: "Acme Logistics" });
  browser = await startBrowser();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAsAdmin(page, server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the API tokens are listed without secrets, and revoking one stops it and what it created", async () => {
  const reader = await server.api("POST", "/api/v1/api-tokens", {
    name: "Warehouse reader",
    permissions: ["fms.actiontoken.read", "fms.admin"],
    expires_at: "2099-01-01T00:00:00Z",
  });
  assert.equal(reader.status, 201, JSON.stringify(reader.body));
  // The reader mints a token of its own: it lives only as long as the reader does.
  const minted = await server.api("POST", "/api/v1/api-tokens", { name: "Minted", permissions: ["fms.actiontoken.read"] }, reader.body.token);
  assert.equal(minted.status, 201, JSON.stringify(minted.body));
  assert.equal((await server.api("GET", "/api/v1/action-tokens", null, minted.body.token)).status, 200);

  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "API Tokens", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "API Tokens" }).waitFor();
  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: `#${reader.body.id} Warehouse reader` }) });
  await row.getByRole("cell", { name: "fms.actiontoken.read, fms.admin" }).waitFor();
  await row.getByRole("cell", { name: "Expires 2099-01-01 00:00 UTC" }).waitFor();
  const mintedRow = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: `#${minted.body.id} Minted` }) });
  await mintedRow.getByRole("cell", { name: `#${reader.body.id}`, exact: true }).waitFor();
  const html = await page.content();
  assert.ok(!html.includes(reader.body.token) && !html.includes(minted.body.token), "no secret is on the page");
  await screenshot(page, "admin-api-tokens");

  // Revoking asks first; cancelling changes nothing.
  await row.getByRole("button", { name: `Revoke API token #${reader.body.id}` }).click();
  const asked = page.getByRole("alertdialog");
  await asked.waitFor();
  assert.match(await asked.textContent(), /stops working at once/);
  await screenshot(page, "admin-api-tokens-revoke-asks");
  await asked.getByRole("button", { name: `Revoke API token #${reader.body.id}` }).click();
  await page.getByRole("status").filter({ hasText: `API token #${reader.body.id} (Warehouse reader) is revoked` }).waitFor();
  await row.getByRole("cell", { name: "Revoked" }).waitFor();
  assert.equal(await row.getByRole("button", { name: /Revoke/ }).count(), 0);
  await screenshot(page, "admin-api-tokens-revoked");

  assert.equal((await server.api("GET", "/api/v1/me", null, reader.body.token)).status, 401);
  assert.equal((await server.api("GET", "/api/v1/action-tokens", null, minted.body.token)).status, 401);
  const listed = (await server.api("GET", "/api/v1/api-tokens")).body.items;
  assert.equal(listed.find((t) => t.id === reader.body.id).revoked, true);
  // The admin's own token was used by the page, so its last use is recorded.
  assert.ok(listed[0].last_used_at, JSON.stringify(listed[0]));
});

test("the admin's session is not the operator's, and an idle admin session is forgotten", async () => {
  const b = await startBrowser();
  try {
    const p = await b.context.newPage();
    await p.goto(new URL("/admin/sign-in", server.url).href);
    await p.getByLabel("API token").fill(server.admin.admin_token);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { level: 1, name: "Action Tokens" }).waitFor();
    // Signed in as admin: the operator screens hold no session of their own.
    assert.equal(await p.evaluate(() => localStorage.getItem("fieldtoken.session")), null);
    assert.equal(await p.evaluate(() => localStorage.getItem("fieldtoken.admin-session")), server.admin.admin_token);
    await p.goto(server.url);
    await p.getByRole("heading", { level: 1, name: "Action tokens, in the field" }).waitFor();
    assert.equal(await p.getByText("Signed in as").count(), 0);

    // Nine hours without a request: the admin app forgets the token and asks to sign in again.
    await p.goto(new URL("/admin/api-tokens", server.url).href);
    await p.getByRole("heading", { level: 1, name: "API Tokens" }).waitFor();
    await p.evaluate(() => localStorage.setItem("fieldtoken.admin-session.active", String(Date.now() - 9 * 3600 * 1000)));
    await p.reload();
    await p.getByRole("heading", { level: 1, name: "Sign in to the MDM" }).waitFor();
    assert.equal(await p.evaluate(() => localStorage.getItem("fieldtoken.admin-session")), null);
  } finally {
    await b.close();
  }
});

test("the operator screens show who is signed in and sign out, which ends the session on the MDM too", async () => {
  const b = await startBrowser();
  try {
    const p = await b.context.newPage();
    const operator = await signInAsOperator(p, server);
    await p.getByText(`Signed in as operator #${operator.number} (${operator.identifier})`).waitFor();
    await screenshot(p, "operator-signed-in-bar");
    const session = await p.evaluate(() => localStorage.getItem("fieldtoken.session"));
    assert.equal((await server.api("GET", "/api/v1/offline-bundle", null, session)).status, 200);
    const ended = p.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/operator/session" && r.request().method() === "DELETE");
    await p.getByRole("button", { name: "Sign out" }).click();
    await p.getByText("Signed in as").waitFor({ state: "detached" });
    assert.equal(await p.evaluate(() => localStorage.getItem("fieldtoken.session")), null);
    assert.equal((await ended).status(), 204);
    assert.equal((await server.api("GET", "/api/v1/offline-bundle", null, session)).status, 401);
  } finally {
    await b.close();
  }
});
