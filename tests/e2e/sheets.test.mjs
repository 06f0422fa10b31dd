// Print sheets against the real MDM: several tokens made at once on the admin's "+ New" form, chosen with the
// table's checkboxes, opened as a token sheet, and the sheet as printed (print media, A4 width) decoded cell by
// cell with the package's own scanner: every QR code on it must be the token's signed QR text from the API. The
// same for a sheet of device labels (each the device's serial, which the operator's camera reads), the page
// count of the PDF that Chromium prints, the paper-size choice, and "Duplicate" in the token panel.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, scanRgba } from "fieldtoken";
import { startServer, startBrowser, screenshot, checkA11y, A4, printedSheetCells } from "./support.mjs";

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });

/** Cells on one page of each sheet (admin/sheets.rs). */
const TOKENS_PER_PAGE = 9;
const LABELS_PER_PAGE = 24;

let server;
let browser;
let page;

before(async () => {
  server = await startServer({ org: "Acme Logistics" });
  browser = await startBrowser();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(new URL("/admin/sign-in", server.url).href);
  await page.getByLabel("API token").fill(server.admin.admin_token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Action Tokens" }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every cell of the sheet on `page` as printed, decoded alone by the package's `scanRgba`: `[{ id, texts }]`. */
async function decodePrintedCells() {
  const cells = await printedSheetCells(page);
  return cells.map(({ id, rgba }) => ({ id, texts: scanRgba(...rgba) }));
}

async function pdfPages(options) {
  return (await pdfOf(options)).pages;
}

/** Chromium's PDF of the page: its page count and the first page's size in points. */
async function pdfOf(options) {
  const pdf = (await page.pdf(options)).toString("latin1");
  const [width, height] = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf).slice(1).map(Number);
  return { pages: (pdf.match(/\/Type\s*\/Page\b/g) ?? []).length, width, height };
}

test("+ New makes numbered copies at once, all in one batch, ticked for a sheet", async () => {
  await page.getByRole("button", { name: "+ New" }).click();
  const form = page.getByRole("form", { name: "New action token" });
  await form.getByLabel("Name").fill("Gate");
  await form.getByRole("radio", { name: "Put in Stock" }).check();
  await form.getByRole("radio", { name: "Numbered copies" }).check();
  await form.getByLabel("Copies (1 to 500)").fill("11");
  await checkA11y(page, "+ New with numbered copies");
  await form.getByRole("button", { name: "Create tokens" }).click();
  await page.getByRole("button", { name: "Gate 11", exact: true }).waitFor();
  const { body } = await server.api("GET", "/api/v1/action-tokens?q=Gate&limit=200");
  const names = body.items.map((t) => t.name).sort();
  assert.deepEqual(names, Array.from({ length: 11 }, (_, i) => `Gate ${i + 1}`).sort());
  for (const token of body.items) {
    assert.equal(token.action.type, "put_in_stock");
    assert.equal(await page.getByRole("checkbox", { name: `Select ${token.name}`, exact: true }).isChecked(), true);
  }
  await page.getByRole("link", { name: "Print sheet of selected (11)" }).waitFor();
});

test("+ New makes one Put in Fleet token for each fleet at once", async () => {
  const { body: fleets } = await server.api("GET", "/api/v1/fleets");
  await page.getByRole("button", { name: "+ New" }).click();
  const form = page.getByRole("form", { name: "New action token" });
  await form.getByLabel("Name").fill("Dock");
  await form.getByRole("radio", { name: "Put in Fleet" }).check();
  await form.getByRole("radio", { name: "One for each fleet" }).check();
  await form.getByRole("button", { name: "Create tokens" }).click();
  await page.getByRole("checkbox", { name: `Select Dock · ${fleets.items[0].name}`, exact: true }).waitFor();
  const { body } = await server.api("GET", "/api/v1/action-tokens?q=Dock&limit=200");
  const made = new Map(body.items.map((t) => [t.action.fleet_id, t]));
  assert.equal(body.items.length, fleets.items.length);
  for (const fleet of fleets.items) {
    assert.equal(made.get(fleet.id)?.name, `Dock · ${fleet.name}`);
    assert.equal(made.get(fleet.id).action.type, "put_in_fleet");
  }
  // The per-fleet tokens are the ones ticked now; the copies made before are ticked again for the sheet below.
  for (let n = 1; n <= 11; n++) await page.getByRole("checkbox", { name: `Select Gate ${n}`, exact: true }).check();
  for (const fleet of fleets.items) await page.getByRole("checkbox", { name: `Select Dock · ${fleet.name}`, exact: true }).uncheck();
});

test("too many copies is refused on the form, and nothing is made", async () => {
  await page.getByRole("button", { name: "+ New" }).click();
  const form = page.getByRole("form", { name: "New action token" });
  await form.getByLabel("Name").fill("Too many");
  await form.getByRole("radio", { name: "Put in Repair" }).check();
  await form.getByRole("radio", { name: "Numbered copies" }).check();
  await form.getByLabel("Copies (1 to 500)").fill("501");
  await form.getByRole("button", { name: "Create tokens" }).click();
  await form.getByRole("alert").filter({ hasText: "1 to 500" }).waitFor();
  const { body } = await server.api("GET", "/api/v1/action-tokens?q=Too%20many");
  assert.equal(body.items.length, 0);
  await form.getByRole("button", { name: "Cancel" }).click();
});

test("the chosen tokens' sheet prints every QR code as the API's signed text, on the expected pages", async () => {
  // Untick one: the sheet holds exactly the ticked rows.
  await page.getByRole("checkbox", { name: "Select Gate 3", exact: true }).uncheck();
  await page.getByRole("link", { name: "Print sheet of selected (10)" }).click();
  await page.getByRole("heading", { level: 1, name: "Token sheet" }).waitFor();
  const sheetPages = Math.ceil(10 / TOKENS_PER_PAGE);
  await page.getByRole("status").filter({ hasText: `10 on ${sheetPages} pages` }).waitFor();
  assert.ok(await page.getByRole("button", { name: "Print" }).isVisible());
  assert.equal(await page.getByRole("radio", { name: "A4" }).isChecked(), true);
  await screenshot(page, "sheet-tokens-screen");
  await checkA11y(page, "/admin/sheets/tokens");

  const { body } = await server.api("GET", "/api/v1/action-tokens?q=Gate&limit=200");
  const expected = new Map(body.items.filter((t) => t.name !== "Gate 3").map((t) => [t.id, t]));
  const cells = await decodePrintedCells();
  assert.equal(cells.length, 10);
  for (const { id, texts } of cells) {
    const token = expected.get(id);
    assert.ok(token, `cell ${id} is a chosen token`);
    assert.deepEqual(texts, [token.qr.new], `the QR code of ${token.name}`);
    const cell = page.locator(`.sheet-cell[data-id="${id}"]`);
    assert.equal(await cell.locator("code").textContent(), token.code);
    assert.match(await cell.textContent(), new RegExp(`${token.name}.*Put in Stock.*Expires`));
  }
  assert.deepEqual(new Set(cells.map((c) => c.id)), new Set(expected.keys()));

  // Printed by Chromium: 10 tokens at 9 a page are 2 pages, on A4 and on Letter.
  assert.equal(await pdfPages({ format: "A4" }), sheetPages);
  // The paper chosen on the page is the paper printed on: A4 is 595 x 842 points, Letter 612 x 792.
  const a4 = await pdfOf({ preferCSSPageSize: true });
  assert.ok(Math.abs(a4.width - 595.3) < 1 && Math.abs(a4.height - 841.9) < 1, `A4: ${a4.width} x ${a4.height}`);
  await page.getByRole("radio", { name: "Letter" }).check();
  const letter = await pdfOf({ preferCSSPageSize: true });
  assert.ok(Math.abs(letter.width - 612) < 1 && Math.abs(letter.height - 792) < 1, `Letter: ${letter.width} x ${letter.height}`);
  assert.equal(letter.pages, sheetPages);
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize(A4);
  await screenshot(page, "sheet-tokens-print");
  await page.emulateMedia({ media: null });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test("a search's sheet holds every token the search finds", async () => {
  await page.goto(new URL("/admin/sheets/tokens?q=Gate", server.url).href);
  await page.getByRole("status").filter({ hasText: "11 on 2 pages" }).waitFor();
  const cells = await decodePrintedCells();
  assert.equal(cells.length, 11);
  assert.ok(cells.every(({ texts }) => texts.length === 1 && texts[0].length > 40));
});

test("Duplicate in the panel makes a copy with the same action and the new expiry", async () => {
  await page.goto(new URL("/admin", server.url).href);
  await page.getByRole("button", { name: "Gate 5", exact: true }).click();
  const panel = page.getByRole("complementary");
  await panel.getByRole("button", { name: "Duplicate" }).click();
  await panel.getByLabel("Copy expires").fill("2031-05-06T07:08");
  await checkA11y(page, "the token panel's Duplicate form");
  await panel.getByRole("button", { name: "Create copy" }).click();
  // The copy is a new row of the same name.
  await page.waitForFunction(
    () => [...document.querySelectorAll("tbody button.link")].filter((b) => b.textContent === "Gate 5").length === 2,
  );
  const { body } = await server.api("GET", "/api/v1/action-tokens?q=Gate%205");
  const copies = body.items.filter((t) => t.name === "Gate 5");
  assert.equal(copies.length, 2, "the original and its copy");
  const [copy, original] = copies; // newest first
  assert.equal(copy.action.type, original.action.type);
  assert.notEqual(copy.code, original.code);
  // The form's time is the browser's local time; the copy expires then, not at the original's expiry.
  const local = await page.evaluate(() => new Date("2031-05-06T07:08").toISOString().replace(".000", ""));
  assert.equal(copy.expires_at, local);
  await panel.getByRole("heading", { name: "Gate 5" }).waitFor();
});

test("the device label sheet prints each device's serial as the QR code the operator's camera reads", async () => {
  const { body: fleets } = await server.api("GET", "/api/v1/fleets");
  const fleet = fleets.items[0];
  let devices = [];
  for (let path = "/api/v1/devices"; path; ) {
    const { body } = await server.api("GET", path);
    devices.push(...body.items);
    path = body.next ? `/api/v1/devices?cursor=${encodeURIComponent(body.next)}` : null;
  }
  const inFleet = devices.filter((d) => d.fleet_id === fleet.id);
  assert.ok(inFleet.length > 0, "the demo fleet has devices");

  // The Devices table's filter opens the sheet of the devices it lists.
  await page.goto(new URL("/admin/devices", server.url).href);
  await page.getByLabel("Fleet", { exact: true }).selectOption(String(fleet.id));
  await page.getByRole("link", { name: "Print labels for these devices" }).click();
  await page.getByRole("heading", { level: 1, name: "Device labels" }).waitFor();
  assert.match(page.url(), new RegExp(`fleet_id=${fleet.id}`));
  // The page says which devices it shows.
  await page.getByText(`Showing the devices of ${fleet.name}.`).waitFor();
  const pages = Math.ceil(inFleet.length / LABELS_PER_PAGE);
  await page.getByRole("status").filter({ hasText: `${inFleet.length} on ${pages} page` }).waitFor();
  await screenshot(page, "sheet-labels-screen");
  await checkA11y(page, "/admin/sheets/devices");
  const cells = await decodePrintedCells();
  const serials = new Map(inFleet.map((d) => [d.id, d.serial]));
  assert.equal(cells.length, inFleet.length);
  for (const { id, texts } of cells) assert.deepEqual(texts, [serials.get(id)], `label of device ${id}`);
  assert.equal(await pdfPages({ format: "A4" }), pages);

  // Chosen devices by id: exactly those labels.
  const chosen = devices.slice(0, 3);
  await page.goto(new URL(`/admin/sheets/devices?ids=${chosen.map((d) => d.id).join(",")}`, server.url).href);
  await page.getByRole("status").filter({ hasText: "3 on 1 page" }).waitFor();
  const picked = await decodePrintedCells();
  assert.deepEqual(
    picked.map((c) => c.texts[0]).sort(),
    chosen.map((d) => d.serial).sort(),
  );
});

test("the sheet pages are reachable by keyboard: Print and the paper size", async () => {
  await page.goto(new URL("/admin/sheets/tokens?q=Gate", server.url).href);
  await page.getByRole("status").filter({ hasText: "on 2 pages" }).waitFor();
  const letter = page.getByRole("radio", { name: "Letter" });
  await letter.focus();
  await page.keyboard.press("Space");
  assert.equal(await letter.isChecked(), true);
  assert.equal(await page.locator(".sheet-pages").getAttribute("class"), "sheet-pages paper-letter");
  await page.getByRole("button", { name: "Print" }).focus();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Print");
});
