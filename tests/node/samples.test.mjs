// scanRgba on the real photos of ../shared/qr-samples (PNG ones; the benchmark also reads the three JPEGs), as a
// browser would pass them: decoded to RGBA. A sample counts when its expected text (the same-named .txt, byte
// for byte) is among the texts found.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

import { initSync, scanRgba } from "fieldtoken";
import { decodePng } from "./png.mjs";

initSync({ module: readFileSync(createRequire(import.meta.url).resolve("fieldtoken/fieldtoken_bg.wasm")) });

// Paths, not URLs: some sample names start with `#`.
const SAMPLES = fileURLToPath(new URL("../../../shared/qr-samples/", import.meta.url));
/** PNG samples decoded when this test was written (the core's own test counts the JPEGs too: 127/137). */
const DECODED_AT_LEAST = 124;

test("scanRgba decodes the sample photos", () => {
  const failed = [];
  let total = 0;
  for (const dir of readdirSync(SAMPLES).filter((d) => d.startsWith("qrcode-")).sort()) {
    for (const file of readdirSync(join(SAMPLES, dir)).filter((f) => f.endsWith(".png")).sort()) {
      const expectedFile = join(SAMPLES, dir, file.replace(/\.png$/, ".txt"));
      const image = decodePng(readFileSync(join(SAMPLES, dir, file)));
      const texts = scanRgba(image.data, image.width, image.height);
      assert.ok(Array.isArray(texts));
      if (!existsSync(expectedFile)) continue; // the parts of qrcode-7/01.txt's structured-append message
      total += 1;
      if (!texts.includes(readFileSync(expectedFile, "utf8"))) failed.push(`${dir}/${file}`);
    }
  }
  const decoded = total - failed.length;
  console.log(`decoded ${decoded}/${total} PNG samples; not decoded: ${failed.join(", ")}`);
  assert.equal(total, 134, "the sample set changed");
  assert.ok(decoded >= DECODED_AT_LEAST, `decoded ${decoded}/${total}, expected at least ${DECODED_AT_LEAST}`);
});
