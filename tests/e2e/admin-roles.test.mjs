// The organisation administration pages (issue 5) against the real MDM: a custom role, a user holding it and an
// API token for that user, which then acts only within the role; a role in use refused in words; the signing key
// rotated (the old key "previous") and then retired.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, startBrowser, signInAsAdmin, screenshot } from "./support.mjs";

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

/** Goes to an admin page by its link in the admin navigation. */
async function open(link) {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: link, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: link }).waitFor();
}

/** Submits `form` with `button`; resolves to its status text, or fails with its alert's. */
async function submit(form, button, text) {
  await form.getByRole("button", { name: button }).click();
  const done = form.getByRole("status").filter({ hasText: text });
  const refused = form.getByRole("alert");
  await done.or(refused).first().waitFor();
  if (await refused.isVisible()) assert.fail(await refused.textContent());
  return done.textContent();
}

test("a role, a user holding it and the user's API token, which acts only within the role", async () => {
  await open("Roles & Users");
  const newRole = page.getByRole("form", { name: "New role" });
  await newRole.getByLabel("Name").fill("Fleet viewers");
  const permissions = newRole.getByRole("group", { name: "Permissions" });
  await permissions.getByLabel("fms.device.read").check();
  await permissions.getByLabel("fms.fleet.read").check();
  await submit(newRole, "Create role", "The role “Fleet viewers” was created.");
  const roleRow = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Fleet viewers" }) });
  await roleRow.getByRole("cell", { name: "fms.device.read, fms.fleet.read" }).waitFor();

  const newUser = page.getByRole("form", { name: "New user" });
  await newUser.getByLabel("Name").fill("Dana");
  await newUser.getByLabel("Role").selectOption({ label: "Fleet viewers" });
  await submit(newUser, "Create user", "The user “Dana” was created.");
  const userRow = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Dana" }) });
  await userRow.getByRole("cell", { name: "Fleet viewers" }).waitFor();
  await roleRow.getByRole("cell", { name: "1", exact: true }).waitFor();

  // "New API token" on the user's row chooses the user and ticks the role's permissions.
  await userRow.getByRole("button", { name: "New API token for “Dana”" }).click();
  const newToken = page.getByRole("form", { name: "New API token" });
  const tokenPermissions = newToken.getByRole("group", { name: "Token permissions" });
  await tokenPermissions.getByRole("checkbox", { name: "fms.device.read", checked: true }).waitFor();
  await tokenPermissions.getByRole("checkbox", { name: "fms.fleet.read", checked: true }).waitFor();
  await newToken.getByLabel("Token name").fill("Dana's laptop");
  const said = await submit(newToken, "Create API token", "was created");
  assert.match(said, /may do now: fms\.device\.read, fms\.fleet\.read\./);
  const secret = (await page.getByRole("region", { name: "The new API token" }).locator("code").textContent()).trim();
  assert.ok(secret.length > 10, secret);
  await screenshot(page, "admin-roles-users");

  const permitted = await server.api("GET", "/api/v1/devices", null, secret);
  assert.equal(permitted.status, 200, JSON.stringify(permitted.body));
  const refused = await server.api("GET", "/api/v1/action-tokens", null, secret);
  assert.equal(refused.status, 403, JSON.stringify(refused.body));

  // Dana holds the role: deleting it is refused, in the MDM's words, next to the roles table.
  await roleRow.getByRole("button", { name: "Delete “Fleet viewers”" }).click();
  await roleRow.getByRole("alertdialog").getByRole("button", { name: "Delete “Fleet viewers”" }).click();
  await page.getByRole("alert").filter({ hasText: "The role “Fleet viewers” was not deleted" })
    .filter({ hasText: "give them another role before deleting it" }).waitFor();
  await screenshot(page, "admin-roles-in-use");

  // Narrowing the role takes effect at once on Dana's token.
  const edit = page.getByRole("form", { name: "Change a role's permissions" });
  await roleRow.getByRole("button", { name: "Edit permissions of “Fleet viewers”" }).click();
  const editPermissions = edit.getByRole("group", { name: "Permissions" });
  await editPermissions.getByRole("checkbox", { name: "fms.fleet.read", checked: true }).waitFor();
  await editPermissions.getByLabel("fms.device.read").uncheck();
  await submit(edit, "Save permissions", "now has 1 permission(s)");
  assert.equal((await server.api("GET", "/api/v1/devices", null, secret)).status, 403);
});

test("rotating the signing key keeps the old one as previous; retiring it moves its tokens", async () => {
  const token = await server.api("POST", "/api/v1/action-tokens", {
    name: "Signed before rotation",
    action: { type: "put_in_repair" },
    expires_at: new Date(Date.now() + 86_400_000).toISOString(),
  });
  assert.equal(token.status, 201, JSON.stringify(token.body));

  await open("Signing Keys");
  const rows = page.getByRole("table", { name: "The organisation's signing keys, oldest first" }).getByRole("row");
  await rows.nth(1).getByRole("cell", { name: /^Current/ }).waitFor();
  const rotate = page.getByRole("form", { name: "Rotate the signing key" });
  await rotate.getByText("QR codes already printed keep working").waitFor();
  const said = await submit(rotate, "Rotate key", "is now the current key");
  assert.match(said, /new tokens are signed with it/);
  await rows.nth(2).waitFor();
  assert.equal(await rows.count(), 3);
  const [oldId, newId] = [
    await rows.nth(1).getByRole("rowheader").textContent(),
    await rows.nth(2).getByRole("rowheader").textContent(),
  ];
  await rows.nth(1).getByRole("cell", { name: /^Previous/ }).waitFor();
  await rows.nth(2).getByRole("cell", { name: /^Current/ }).waitFor();
  await screenshot(page, "admin-signing-keys-rotated");

  // Only a previous key offers "Retire"; retiring it says what stops working and what moved.
  assert.equal(await rows.nth(2).getByRole("button", { name: /^Retire/ }).count(), 0);
  // Retiring cannot be undone: it asks first, with focus on "Cancel", and cancelling changes nothing.
  const retire = () => rows.nth(1).getByRole("button", { name: `Retire ${oldId.toLowerCase()}` });
  await retire().click();
  const question = rows.nth(1).getByRole("alertdialog", { name: /^Retire this key\? Every QR code signed with it stops working/ });
  await question.waitFor();
  await screenshot(page, "admin-signing-keys-retire-asks");
  assert.ok(await question.getByRole("button", { name: "Cancel" }).evaluate((b) => b === document.activeElement), "focus on Cancel");
  await page.keyboard.press("Enter");
  await question.waitFor({ state: "detached" });
  // Focus is back on the button that asked; Escape cancels too.
  await page.waitForFunction(() => document.activeElement?.getAttribute("aria-haspopup") === "dialog");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Retire");
  await page.keyboard.press("Enter");
  await question.waitFor();
  await page.keyboard.press("Escape");
  await question.waitFor({ state: "detached" });
  await rows.nth(1).getByRole("cell", { name: /^Previous/ }).waitFor();
  assert.equal((await server.api("GET", "/api/v1/signing-keys")).body.items.filter((k) => k.status === "retired").length, 0);
  await retire().click();
  await question.getByRole("button", { name: `Retire ${oldId.toLowerCase()}` }).click();
  const retired = page.getByRole("status").filter({ hasText: `${oldId} is retired` });
  await retired.waitFor();
  assert.match(await retired.textContent(), /QR codes signed with it stop working\. [1-9]\d* token\(s\) moved/);
  await rows.nth(1).getByRole("cell", { name: /^Retired/ }).waitFor();
  await rows.nth(2).getByRole("cell", { name: /^Current/ }).waitFor();
  assert.notEqual(oldId, newId);
  await screenshot(page, "admin-signing-keys-retired");

  // The MDM's refusals reach the page in words too: the current key cannot be retired.
  const current = Number(/\d+/.exec(newId)[0]);
  const refused = await server.api("POST", `/api/v1/signing-keys/${current}/retire`);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, "key_is_current", JSON.stringify(refused.body));
});
