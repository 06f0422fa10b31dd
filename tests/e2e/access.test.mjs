// Operators sign in to the PWA with their access token (seed 002): only an Effective token opens a session,
// and a refused one is told why in words.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, screenshot } from "./support.mjs";

let server;
let browser;
let page;
let operator;

before(async () => {
  server = await startServer({ org: "Acme Logistics" });
  browser = await startBrowser();
  page = await browser.context.newPage();
  // An access token definition whose pass codes the MDM generates, and one operator's token.
  const definition = await server.api("POST", "/api/v1/access-token-definitions", {
    name: "Operators",
    settings: {
      identifier: { source: "email" },
      pass_code: { generated: true, min_length: 10, min_digits: 2 },
      authentication_code: { source: "auto_id", min_length: 16 },
    },
  });
  assert.equal(definition.status, 201, JSON.stringify(definition.body));
  const created = await server.api("POST", "/api/v1/access-tokens", { identifier: "ana@example.com" });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  operator = created.body;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn({ identifier, passCode, code }) {
  await page.goto(new URL("/sign-in", server.url).href);
  await page.getByRole("heading", { level: 1, name: "Operator sign-in" }).waitFor();
  if (code) {
    await page.getByRole("radio", { name: "Authentication code" }).check();
    await page.getByRole("textbox", { name: "Authentication code" }).fill(code);
  } else {
    await page.getByLabel("Identifier", { exact: true }).fill(identifier);
    await page.getByLabel("Pass code", { exact: true }).fill(passCode);
  }
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an Effective access token signs in with identifier and pass code, and the session is the operator's", async () => {
  await signIn({ identifier: "ana@example.com", passCode: operator.pass_code });
  await page.getByRole("status").filter({ hasText: `Signed in as operator #${operator.number}.` }).waitFor();
  await screenshot(page, "operator-sign-in");
  const session = await page.evaluate(() => localStorage.getItem("fieldtoken.session"));
  const me = await server.api("GET", "/api/v1/me", null, session);
  assert.equal(me.status, 200);
  assert.equal(me.body.token.name, `operator #${operator.number} (ana@example.com)`);
  // The session reads the offline bundle the token screen needs.
  assert.equal((await server.api("GET", "/api/v1/offline-bundle", null, session)).status, 200);
});

test("the authentication code alone signs in a token with no identifier and pass code, and no other", async () => {
  // Issue 18: a token that has a pass code needs it; its authentication code alone is refused like a wrong one.
  await signIn({ code: operator.authentication_code });
  await page.getByRole("alert").filter({ hasText: "These credentials do not match an access token" }).waitFor();
  const badge = await server.api("POST", "/api/v1/access-tokens", {});
  assert.equal(badge.status, 201, JSON.stringify(badge.body));
  await signIn({ code: badge.body.authentication_code });
  await page.getByRole("status").filter({ hasText: `Signed in as operator #${badge.body.number}.` }).waitFor();
});

test("a wrong pass code is refused without saying which part was wrong", async () => {
  await signIn({ identifier: "ana@example.com", passCode: "not-the-pass-code-1" });
  await page.getByRole("alert").filter({ hasText: "These credentials do not match an access token" }).waitFor();
});

test("a Not Effective access token is refused with a clear message (seed 002: only Effective tokens)", async () => {
  const off = await server.api("POST", `/api/v1/access-tokens/${operator.number}/set-not-effective`);
  assert.equal(off.status, 200, JSON.stringify(off.body));
  await signIn({ identifier: "ana@example.com", passCode: operator.pass_code });
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /Not Effective.*ask an administrator to set it 'Effective'/);
  await screenshot(page, "operator-sign-in-not-effective");
});

test("admins manage access tokens; the seed's restrictions come back in words (seed 002)", async () => {
  await page.goto(new URL("/admin/sign-in", server.url).href);
  await page.getByLabel("API token").fill(server.admin.admin_token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Access Tokens" }).click();
  await page.getByRole("heading", { level: 1, name: "Access Tokens" }).waitFor();

  const form = page.getByRole("form", { name: "New access token" });
  await form.getByLabel("Identifier").fill("bo@example.com");
  await form.getByRole("button", { name: "Create access token" }).click();
  const status = page.getByRole("status").filter({ hasText: "created. Its pass code, shown only this once:" });
  await status.waitFor();
  const [, number, passCode] = /Access token #(\d+) created\. Its pass code, shown only this once: (\S+)/.exec(await status.textContent());
  const row = page.getByRole("row").filter({ hasText: "bo@example.com" });
  await row.getByRole("cell", { name: "Effective", exact: true }).waitFor();
  // The pass code shown is the one that works.
  const session = await server.api("POST", "/api/v1/operator/session", { identifier: "bo@example.com", pass_code: passCode }, null);
  assert.equal(session.status, 201, JSON.stringify(session.body));

  // Delete: "Access Token is in a 'Not Effective' Life Cycle State" first.
  await page.getByRole("button", { name: `Delete #${number}` }).click();
  await page.getByRole("alertdialog", { name: /^Delete this access token\?/ }).getByRole("button", { name: `Delete #${number}` }).click();
  await page.getByRole("alert").filter({ hasText: "only a 'Not Effective' access token can be deleted" }).waitFor();
  await page.getByRole("button", { name: `Set Not Effective #${number}` }).click();
  await row.getByRole("cell", { name: "Not Effective", exact: true }).waitFor();
  // Reset Pass Code: "The Life Cycle State of the Access Token is: 'Effective'".
  await page.getByRole("button", { name: `Reset pass code #${number}` }).click();
  await page.getByRole("alert").filter({ hasText: "the pass code can be reset only while the access token is 'Effective'" }).waitFor();
  await screenshot(page, "admin-access-tokens");
  await page.getByRole("button", { name: `Delete #${number}` }).click();
  await page.getByRole("alertdialog", { name: /^Delete this access token\?/ }).getByRole("button", { name: `Delete #${number}` }).click();
  await page.getByRole("status").filter({ hasText: `Access token #${number} deleted.` }).waitFor();
  await row.waitFor({ state: "detached" });
});

test("the admin list holds every page of access tokens, and its search finds one among hundreds", async () => {
  // More tokens than the MDM gives in one page (200): the oldest, Ana's, is on the last page.
  const made = [];
  for (let batch = 0; batch < 21; batch++) {
    made.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) =>
      server.api("POST", "/api/v1/access-tokens", { identifier: `op${batch * 10 + i}@example.com` })))));
  }
  assert.deepEqual(made.filter((r) => r.status !== 201), []);
  const total = (await pagesOf("/api/v1/access-tokens?limit=200")).length;
  assert.ok(total > 200, `${total} tokens`);

  await page.goto(new URL("/admin/access-tokens", server.url).href);
  const table = page.getByRole("table", { name: "Access tokens and their life cycle state" });
  const ana = table.getByRole("row").filter({ hasText: "ana@example.com" });
  await ana.waitFor();
  assert.equal(await table.locator("tbody tr").count(), total);

  const search = page.getByRole("searchbox", { name: "Search by identifier or number" });
  await search.fill("ANA@");
  await table.locator("tbody tr").nth(1).waitFor({ state: "detached" });
  assert.equal(await table.locator("tbody tr").count(), 1);
  await ana.waitFor();
  await search.fill(`#${operator.number}`);
  await ana.waitFor();
  assert.equal(await table.locator("tbody tr").count(), 1);
  await search.fill("op20");
  await table.locator("tbody tr").nth(11).waitFor({ state: "detached" });
  assert.equal(await table.locator("tbody tr").count(), 11, "op20@, and op200@ to op209@");

  // One click, one request: the row takes the token from the action's answer; the two pages are not reloaded.
  await search.fill("");
  const op7 = made[7].body;
  assert.equal(op7.identifier, "op7@example.com");
  const requests = [];
  const record = (request) => {
    const url = new URL(request.url());
    // The page's own lists and actions; nothing else the admin app might ask in the meantime.
    if (/^\/api\/v1\/(access-token|accounts-receivable|rewards-participants)/.test(url.pathname)) {
      requests.push(`${request.method()} ${url.pathname}`);
    }
  };
  page.on("request", record);
  await page.getByRole("button", { name: `Set Not Effective #${op7.number}`, exact: true }).click();
  await page.getByRole("status").filter({ hasText: `Access token #${op7.number} is now Not Effective.` }).waitFor();
  const row = table.getByRole("row").filter({ hasText: "op7@example.com" });
  await row.getByRole("cell", { name: "Not Effective", exact: true }).waitFor();
  page.off("request", record);
  assert.deepEqual(requests, [`POST /api/v1/access-tokens/${op7.number}/set-not-effective`]);
  assert.equal(await table.locator("tbody tr").count(), total);
});

/** Every item of a paged list, following `next`. */
async function pagesOf(path) {
  const items = [];
  for (let cursor = null; ;) {
    const page = await server.api("GET", cursor ? `${path}&cursor=${cursor}` : path);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    items.push(...page.body.items);
    if (!page.body.next) return items;
    cursor = page.body.next;
  }
}
