// The fieldtoken npm package as a Node user gets it: imported by name, initialised, called.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import init, { initSync, version } from "fieldtoken";

const require = createRequire(import.meta.url);
const wasmPath = require.resolve("fieldtoken/fieldtoken_bg.wasm");
const manifest = JSON.parse(readFileSync(require.resolve("fieldtoken/package.json"), "utf8"));

test("initSync takes the module's bytes, and calls work after it", () => {
  initSync({ module: readFileSync(wasmPath) });
  const workspace = readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8");
  const expected = /\[workspace\.package\][^[]*?^version = "([^"]+)"/ms.exec(workspace)[1];
  assert.equal(version(), expected);
});

test("init accepts the module's bytes asynchronously", async () => {
  await init({ module_or_path: readFileSync(wasmPath) });
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test("the package declares an ES module with types that exist", () => {
  assert.equal(manifest.type, "module");
  assert.equal(manifest.exports["."].types, "./fieldtoken.d.ts");
  const types = readFileSync(require.resolve("fieldtoken/package.json").replace("package.json", "fieldtoken.d.ts"), "utf8");
  assert.match(types, /export function version\(\): string;/);
  for (const file of manifest.files) {
    assert.doesNotThrow(() => readFileSync(require.resolve("fieldtoken/package.json").replace("package.json", file)), file);
  }
});
