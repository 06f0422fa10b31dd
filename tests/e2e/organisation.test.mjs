// Running a real organisation from nothing (issue 19): `fieldtoken-mdm org create` on an empty database, then the
// admin pages alone: sign in with the printed token, create fleets, import 1,000 devices from a CSV file (a preview
// report first, then the import), find one by its serial, move it by hand, retire it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, startBrowser, screenshot } from "./support.mjs";

let server;
let browser;
let page;
let files;

before(async () => {
  server = await startServer({ org: "Northwind Field Services", empty: true });
  browser = await startBrowser();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  files = mkdtempSync(join(tmpdir(), "fieldtoken-csv-"));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

const nav = (name) => page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name, exact: true }).click();
const status = (text) => page.getByRole("status").filter({ hasText: text }).waitFor();

function csvFile(name, text) {
  const path = join(files, name);
  writeFileSync(path, text);
  return path;
}

test("org create prints a token that signs in to an organisation with nothing in it yet", async () => {
  assert.equal(server.admin.org.name, "Northwind Field Services");
  await page.goto(new URL("/admin/sign-in", server.url).href);
  await page.getByLabel("API token").fill(server.admin.admin_token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Action Tokens" }).waitFor();
  await page.getByText("No action tokens yet.").waitFor();
  await nav("Devices");
  await page.getByText("No devices yet.").waitFor();
  // Every admin page opens on the empty organisation: its heading, and no error.
  const links = await page.getByRole("navigation", { name: "Admin" }).getByRole("link").allTextContents();
  assert.ok(links.length >= 10, links.join(", "));
  for (const name of links) {
    await nav(name);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await page.waitForLoadState("networkidle");
    const alerts = await page.getByRole("alert").allTextContents();
    assert.deepEqual(alerts.filter((text) => text.trim()), [], `${name} on an empty organisation`);
    await screenshot(page, `organisation-empty-${name.toLowerCase().replace(/\W+/g, "-")}`);
  }
  await nav("Fleets");
  await page.getByText("No fleets yet. Create the first one above").waitFor();
});

test("fleets are created on the Fleets page", async () => {
  for (const name of ["North", "South"]) {
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Create fleet" }).click();
    await status(`The fleet “${name}” was created.`);
    await page.getByRole("rowheader", { name, exact: true }).waitFor();
  }
  // A second fleet of the same name is refused, in the MDM's words, next to the form.
  await page.getByLabel("Name", { exact: true }).fill("North");
  await page.getByRole("button", { name: "Create fleet" }).click();
  await page.getByRole("alert").filter({ hasText: "already has a fleet named 'North'" }).waitFor();
  const region = page.getByRole("region", { name: "Fleets list" });
  assert.equal(await region.getAttribute("tabindex"), "0");
  assert.equal(await region.locator("tbody tr").count(), 2);
});

test("1,000 devices are imported from a CSV file: a report first, then all of them", async () => {
  await nav("Devices");
  await page.getByRole("heading", { level: 2, name: "Import devices from a CSV file" }).waitFor();
  // A file with bad rows: the report names each by its row, and nothing can be imported.
  await page.getByLabel("CSV file", { exact: true }).setInputFiles(csvFile("bad.csv", "serial,fleet\nNW-1,North\nNW 2,North\nNW-3,West\nnw-1,\n"));
  const problems = page.getByRole("region", { name: "Rows that cannot be registered" });
  await problems.waitFor();
  const rows = problems.locator("tbody tr");
  assert.equal(await rows.count(), 3);
  assert.deepEqual(await rows.locator("th").allTextContents(), ["3", "4", "5"]);
  assert.deepEqual(await rows.locator("td:nth-child(3)").allTextContents(), ["Bad serial", "Unknown fleet", "Duplicate in file"]);
  assert.ok(await page.getByRole("button", { name: "Import", exact: true }).isDisabled());
  await screenshot(page, "organisation-import-report");

  const lines = ["serial,fleet"];
  for (let n = 0; n < 1000; n++) lines.push(`NW-${String(n).padStart(4, "0")},${["North", "South", ""][n % 3]}`);
  await page.getByLabel("CSV file", { exact: true }).setInputFiles(csvFile("devices.csv", lines.join("\r\n")));
  await page.getByText("All 1000 rows are ready to import.").waitFor();
  await page.getByText("1000 rows read, 1000 ready to import, 0 with a problem.").waitFor();
  await page.getByText("Fleet North: 334 device(s)").waitFor();
  // Still nothing registered: the check is a preview.
  assert.equal((await server.api("GET", "/api/v1/devices")).body.items.length, 0);
  await page.getByRole("button", { name: "Import 1000 devices" }).click();
  await page.getByText("Imported: 1000 devices registered.").waitFor();
  await status("Showing the first 50 devices, by serial; more below.");
  const fleets = (await server.api("GET", "/api/v1/fleets")).body.items;
  assert.deepEqual(fleets.map((f) => [f.name, f.device_count]), [["North", 334], ["South", 333]]);
  // Paging: "Load more" brings the next page of the MDM's list.
  await page.getByRole("button", { name: "Load more" }).click();
  await status("Showing the first 100 devices");
  await screenshot(page, "organisation-devices");
});

test("a device is found by its serial, moved by hand, then retired, with the keyboard", async () => {
  await page.getByLabel("Search by serial (start)").fill("nw-042");
  await status("Showing 10 device(s), by serial.");
  await page.getByLabel("Search by serial (start)").fill("nw-0422");
  await status("Showing 1 device(s), by serial.");
  const list = page.getByRole("region", { name: "Devices list" });
  assert.equal(await list.getAttribute("tabindex"), "0");
  await list.getByRole("cell", { name: "NW-0422", exact: true }).waitFor();
  const [device] = (await server.api("GET", "/api/v1/devices?serial=NW-0422")).body.items;
  assert.equal(device.state, "in_stock");

  await page.getByRole("button", { name: "Move NW-0422" }).focus();
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: "Move NW-0422" });
  await form.waitFor();
  // The form takes the focus on its one choice.
  assert.equal(await page.evaluate(() => document.activeElement?.id), "move-place");
  await form.getByLabel("Put it").selectOption({ label: "Fleet: South" });
  await form.getByRole("button", { name: "Move", exact: true }).click();
  await status("The device NW-0422 is now: Fleet: South.");
  const south = (await server.api("GET", "/api/v1/fleets")).body.items.find((f) => f.name === "South");
  const moved = (await server.api("GET", `/api/v1/devices/${device.id}`)).body;
  assert.deepEqual([moved.state, moved.fleet_id], ["in_fleet", south.id]);
  await list.getByRole("cell", { name: "South", exact: true }).waitFor();

  await page.getByRole("button", { name: "Retire NW-0422" }).focus();
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("alertdialog");
  await confirm.waitFor();
  await confirm.getByRole("button", { name: "Retire NW-0422" }).click();
  await status("The device NW-0422 is retired");
  await page.getByText("No device matches this search and these filters.").waitFor();
  assert.equal((await server.api("GET", `/api/v1/devices/${device.id}`)).status, 404);
  const bundle = (await server.api("GET", "/api/v1/offline-bundle")).body;
  assert.ok(!bundle.devices.some((d) => d.id === device.id));
  assert.equal(bundle.devices.length, 999);
  await screenshot(page, "organisation-retired");
});
