// Issue 19: after redemptions an admin finds each of them. Redemptions applied, superseded and rejected through
// the real sync API, then found on the History page (filters, a token's and a device's history, the token panel's
// last uses) and on the Audit log page (filters, the CSV export of the filter) in the admin app.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startServer, startBrowser, screenshot } from "./support.mjs";

let server;
let browser;
let page;
const made = {};

async function api(method, path, body, token) {
  const answer = await server.api(method, path, body, token);
  assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  server = await startServer({ org: "Acme Field" });
  browser = await startBrowser();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });

  const token = (name, type) =>
    api("POST", "/api/v1/action-tokens", { name, action: { type }, expires_at: "2099-01-01T00:00:00Z" });
  made.repair = await token("Repair Bench 4", "put_in_repair");
  made.stock = await token("Back to Stock", "put_in_stock");
  made.retired = await token("Retired Card", "put_in_repair");
  await api("DELETE", `/api/v1/action-tokens/${made.retired.id}`);
  const devices = (await api("GET", "/api/v1/devices")).items;
  [made.device, made.other] = devices;
  const phone = await api("POST", "/api/v1/api-tokens", { name: "Phone 12", permissions: ["fms.actiontoken.redeem"] });
  await sleep(50);

  // Applied: the phone's scan, now.
  const applied = await api(
    "POST", "/api/v1/sync",
    { redemptions: [{ id: "e2e-applied", token: made.repair.qr.new, device_id: made.device.id, scanned_at: Date.now() }] },
    phone.token,
  );
  assert.equal(applied.results[0].status, "applied");
  // Superseded: the admin's scan of the same device, dated earlier (after its token existed) and synced later.
  const superseded = await api("POST", "/api/v1/sync", {
    redemptions: [{ id: "e2e-superseded", token: made.stock.code, device_id: made.device.id, scanned_at: Date.parse(made.stock.created_at) + 1 }],
  });
  assert.equal(superseded.results[0].status, "superseded");
  // Rejected: a card of a deleted token.
  const rejected = await api(
    "POST", "/api/v1/sync",
    { redemptions: [{ id: "e2e-rejected", token: made.retired.code, device_id: made.other.id, scanned_at: Date.now() }] },
    phone.token,
  );
  assert.deepEqual([rejected.results[0].status, rejected.results[0].reason], ["rejected", "deleted"]);

  await page.goto(new URL("/admin/sign-in", server.url).href);
  await page.getByLabel("API token").fill(server.admin.admin_token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Action Tokens" }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The History table's rows, as the texts of their cells. */
async function historyRows() {
  const region = page.getByRole("region", { name: "Redemptions received" });
  await page.getByRole("status").filter({ hasText: /^Page \d|^No redemptions/ }).waitFor();
  return region.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent.trim())),
  );
}

test("the History page lists each redemption with its outcome, token, device and carrier", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "History" }).click();
  await page.getByRole("heading", { level: 1, name: "Redemption history" }).waitFor();
  const region = page.getByRole("region", { name: "Redemptions received" });
  assert.equal(await region.getAttribute("tabindex"), "0");
  const rows = await historyRows();
  const byId = Object.fromEntries(rows.map((cells) => [cells[6], cells]));
  assert.deepEqual(Object.keys(byId).sort(), ["e2e-applied", "e2e-rejected", "e2e-superseded"]);
  assert.equal(rows[0][6], "e2e-rejected", "newest first");
  assert.deepEqual(byId["e2e-applied"].slice(1, 3), ["Applied", "Repair Bench 4"]);
  assert.equal(byId["e2e-applied"][3], made.device.serial);
  assert.match(byId["e2e-applied"][4], /^Phone 12\s+API token$/);
  assert.deepEqual(byId["e2e-superseded"].slice(1, 3), ["Superseded", "Back to Stock"]);
  assert.match(byId["e2e-superseded"][4], /^Demo administrator/);
  assert.deepEqual(byId["e2e-rejected"].slice(1, 4), ["Rejected: deleted", "Retired Card", made.other.serial]);
  await screenshot(page, "history");

  // The keyboard reaches the scroll region; the outcome filter keeps only the rejection, in the address too.
  await region.focus();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("role")), "region");
  await page.getByLabel("Outcome").selectOption("rejected");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForURL(/outcome=rejected/);
  await page.getByRole("status").filter({ hasText: "Page 1: 1 redemptions." }).waitFor();
  assert.deepEqual((await historyRows()).map((cells) => cells[6]), ["e2e-rejected"]);
  await page.getByRole("button", { name: "Clear" }).click();
  await page.getByRole("status").filter({ hasText: "Page 1: 3 redemptions." }).waitFor();
});

test("a token's last uses are in its panel, and its history and a device's are a link away", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Action Tokens" }).click();
  await page.getByRole("button", { name: "Back to Stock" }).click();
  const panel = page.getByRole("complementary");
  const uses = panel.getByRole("region", { name: "Last uses" });
  await uses.getByText(/Superseded/).waitFor();
  assert.match(await uses.textContent(), new RegExp(`Superseded · ${made.device.serial} · Demo administrator`));
  await screenshot(page, "history-panel");
  await panel.getByRole("link", { name: "Full history of this token" }).click();
  await page.waitForURL(new RegExp(`/admin/history\\?token=${made.stock.id}$`));
  assert.deepEqual((await historyRows()).map((cells) => cells[6]), ["e2e-superseded"]);

  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Devices" }).click();
  await page.getByRole("link", { name: `Redemption history of ${made.device.serial}` }).click();
  await page.waitForURL(new RegExp(`/admin/history\\?device=${made.device.id}$`));
  assert.deepEqual((await historyRows()).map((cells) => cells[6]), ["e2e-superseded", "e2e-applied"]);
  assert.equal(await page.getByLabel("Device id").inputValue(), String(made.device.id));
});

test("the Audit log page filters by actor and kind, and exports the filter as CSV", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit Log" }).click();
  await page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
  const region = page.getByRole("region", { name: "Audit log entries" });
  assert.equal(await region.getAttribute("tabindex"), "0");
  await page.getByRole("status").filter({ hasText: /^Page 1: \d+ entries\.$/ }).waitFor();
  const cells = () =>
    region.locator("tbody tr").evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].map((c) => c.textContent.trim())));
  const kinds = (await cells()).map((row) => row[2]);
  for (const kind of ["redemption.apply", "action_token.create", "action_token.delete", "api_token.create"]) {
    assert.ok(kinds.includes(kind), `${kind} is listed: ${kinds}`);
  }

  await page.getByLabel("Actor (exact name)").fill("Phone 12");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForURL(/actor=Phone%2012/);
  await page.getByRole("status").filter({ hasText: "Page 1: 1 entries." }).waitFor();
  const [only] = await cells();
  assert.deepEqual(only.slice(1, 4), ["Phone 12", "redemption.apply", `device/${made.device.id}`]);
  assert.match(only[4], /"redemption":"e2e-applied"/);
  await screenshot(page, "audit");

  await page.getByLabel("Actor (exact name)").fill("");
  await page.getByLabel(/^Kind/).fill("action_token");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.getByRole("status").filter({ hasText: "Page 1: 4 entries." }).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV (this filter)" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8").trim().split("\r\n");
  assert.equal(csv[0], "at,actor,action,target,detail,remote");
  assert.deepEqual(
    csv.slice(1).map((line) => line.split(",")[2]),
    ["action_token.create", "action_token.create", "action_token.create", "action_token.delete"],
  );
  await page.getByRole("status").filter({ hasText: "The CSV was downloaded." }).waitFor();
});
