// The QR decoding benchmark of `cargo xtask bench`: the fieldtoken package's scanRgba, jsQR and zxing-wasm (the
// zxing-cpp reader) decode the same RGBA frames in one Node process, and the results go into docs/BENCHMARKS.md
// between the bench markers (reruns replace them).
//
// usage: node bench/qr.mjs FRAMES_DIR PKG_WASM_GZIP_BYTES ZXING_READER_GZIP_BYTES RUSTC_VERSION
//   FRAMES_DIR holds frames.json and frames.rgba, written by `sample_frames` (crates/fieldtoken-wasm/examples):
//   every sample photo of ../shared/qr-samples decoded to RGBA by Rust's png and jpeg-decoder crates.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";

import { initSync, scanRgba } from "fieldtoken";
import jsQR from "jsqr";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";

const require = createRequire(import.meta.url);
const [framesDir, pkgGzip, zxingGzip, rustc] = process.argv.slice(2);
if (!framesDir) throw new Error("usage: node bench/qr.mjs FRAMES_DIR PKG_GZIP ZXING_GZIP RUSTC_VERSION");

/** Timed passes over every frame; each frame's time is its median over the passes. */
const PASSES = 5;
const FRAME = { width: 640, height: 480 };

initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });
// zxing-wasm ships its wasm in the package: load it from node_modules, never from its CDN default.
prepareZXingModule({ overrides: { wasmBinary: readFileSync(require.resolve("zxing-wasm/reader/zxing_reader.wasm")).buffer } });

const ZXING_OPTIONS = { formats: ["QRCode"], tryHarder: true };
const decoders = [
  ["fieldtoken (pkg/, scanRgba)", (f) => scanRgba(f.data, f.width, f.height)],
  ["zxing-cpp (zxing-wasm, reader, tryHarder)", async (f) =>
    (await readBarcodes({ data: new Uint8ClampedArray(f.data.buffer, f.data.byteOffset, f.data.length), width: f.width, height: f.height }, ZXING_OPTIONS))
      .filter((r) => r.isValid).map((r) => r.text)],
  ["jsQR (default options)", (f) => {
    const r = jsQR(new Uint8ClampedArray(f.data.buffer, f.data.byteOffset, f.data.length), f.width, f.height);
    return r ? [r.data] : [];
  }],
];

const index = JSON.parse(readFileSync(join(framesDir, "frames.json"), "utf8"));
const blob = readFileSync(join(framesDir, "frames.rgba"));
const samples = index.map((s) => ({ ...s, data: new Uint8Array(blob.buffer, blob.byteOffset + s.offset, s.width * s.height * 4) }));

/**
 * The sample as a 640x480 camera frame: scaled to fit (nearest neighbour, aspect kept) and letterboxed on mid
 * gray, the way a phone's preview shows a printed code that fills the view.
 */
function cameraFrame(s) {
  const { width: W, height: H } = FRAME;
  const data = new Uint8Array(W * H * 4).fill(128);
  const scale = Math.min(W / s.width, H / s.height);
  const fw = Math.floor(s.width * scale), fh = Math.floor(s.height * scale);
  const ox = (W - fw) >> 1, oy = (H - fh) >> 1;
  for (let y = 0; y < fh; y++) {
    const sy = Math.min(s.height - 1, Math.floor(y / scale));
    for (let x = 0; x < fw; x++) {
      const sx = Math.min(s.width - 1, Math.floor(x / scale));
      const si = (sy * s.width + sx) * 4, di = ((oy + y) * W + ox + x) * 4;
      // Composite over white, as the page behind a printed code (and as every decoder here would see it).
      const a = s.data[si + 3] / 255;
      for (let c = 0; c < 3; c++) data[di + c] = Math.round(s.data[si + c] * a + 255 * (1 - a));
    }
  }
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { name: s.name, expected: s.expected, width: W, height: H, data };
}

/** A deterministic xorshift32 generator: the same "sensor noise" in every run. */
function xorshift(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * 640x480 frames without a code, which a phone's camera sees most of the time: smooth scenes (a gradient, a
 * vignette, a soft diagonal) as they are, and the same scenes with sensor noise of three strengths (roughly
 * Gaussian, per channel, standard deviations of 4, 8 and 16 levels).
 */
function noCodeFrames() {
  const { width: W, height: H } = FRAME;
  const scenes = [
    ["gradient", (x, y) => 40 + (170 * x) / W + (30 * y) / H],
    ["vignette", (x, y) => 200 - 150 * (((x - W / 2) / W) ** 2 + ((y - H / 2) / H) ** 2) * 2],
    ["diagonal", (x, y) => 128 + 60 * Math.sin((x + y) / 160)],
  ];
  const frames = [];
  for (const [sigma, kind] of [[0, "smooth"], [4, "noise"], [8, "noise"], [16, "noise"]]) {
    for (const [scene, luma] of scenes) {
      const random = xorshift(0x9e3779b9 ^ (sigma * 7919) ^ scene.length);
      // The sum of three uniforms: close enough to Gaussian, and cheap.
      const noise = () => (random() + random() + random() - 1.5) * 2 * sigma;
      const data = new Uint8Array(W * H * 4);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const i = (y * W + x) * 4, base = luma(x, y);
          for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(base + (sigma ? noise() : 0))));
          data[i + 3] = 255;
        }
      }
      frames.push({ name: sigma ? `${scene}, noise σ${sigma}` : scene, kind, expected: null, width: W, height: H, data });
    }
  }
  return frames;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Decodes every frame with every decoder: correct count, misses, and median time per frame. */
async function run(frames) {
  const results = decoders.map(([name]) => ({ name, correct: 0, missed: [], times: frames.map(() => []) }));
  // Warm-up: compile and tier up every decoder's code before timing.
  for (const [, decode] of decoders) for (const f of frames.slice(0, 10)) await decode(f);
  for (let pass = 0; pass < PASSES; pass++) {
    // Interleaved per frame, so slow drifts of the machine hit every decoder alike.
    for (const [i, f] of frames.entries()) {
      for (const [d, [, decode]] of decoders.entries()) {
        const start = performance.now();
        const texts = await decode(f);
        results[d].times[i].push(performance.now() - start);
        if (pass === 0) {
          // A frame without a code counts as correct when nothing is read from it.
          if (f.expected === null ? texts.length === 0 : texts.includes(f.expected)) results[d].correct++;
          else results[d].missed.push(f.name);
        }
      }
    }
  }
  return results.map((r) => ({ ...r, median: median(r.times.map(median)), total: frames.length }));
}

// The machine may be shared (CI, parallel builds): the load when the run started goes into the report.
const load = loadavg()[0];
const photos = await run(samples);
const frames = await run(samples.map(cameraFrame));
const empty = noCodeFrames();
const smooth = await run(empty.filter((f) => f.kind === "smooth"));
const noisy = await run(empty.filter((f) => f.kind === "noise"));

// ---- the report
// By path: zxing-wasm's `exports` do not include its package.json.
const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8")).version;
const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown CPU";
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (t) => `${t.toFixed(2)} ms`;
const ours = { photos: photos[0], frames: frames[0] };
const zxing = { photos: photos[1], frames: frames[1] };

const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench\` on ${availableParallelism()} cores of ${cpu};`,
  `Node ${process.version}, ${rustc}; fieldtoken ${version("fieldtoken")} (wasm-release, wasm-opt -Oz), zxing-wasm ${version("zxing-wasm")}, jsqr ${version("jsqr")}.`,
  `${samples.length} sample photos; each time is the median over the images of each image's median over ${PASSES} passes;`,
  `load average ${load.toFixed(1)} when the run started (a busy machine makes every time noisier; the decoders run interleaved, so they share it alike).`,
  "",
  "| decoder | photos decoded | median per photo | 640x480 frames decoded | median per 640x480 frame | wasm, gzipped |",
  "|---|---|---|---|---|---|",
  ...decoders.map(([name], d) => {
    const size = d === 0 ? kb(Number(pkgGzip)) : d === 1 ? `${kb(Number(zxingGzip))} (reader only)` : "(JavaScript)";
    return `| ${name} | ${photos[d].correct}/${photos[d].total} | ${ms(photos[d].median)} | ${frames[d].correct}/${frames[d].total} | ${ms(frames[d].median)} | ${size} |`;
  }),
  "",
  `640x480 frames without a code: ${smooth[0].total} smooth scenes (gradient, vignette, soft diagonal) and the same scenes with sensor noise`,
  `of three strengths (${noisy[0].total} frames); each time is the median over the frames of each frame's median over ${PASSES} passes.`,
  "",
  "| decoder | smooth, median per frame | sensor noise, median per frame | frames read as nothing |",
  "|---|---|---|---|",
  ...decoders.map(([name], d) =>
    `| ${name} | ${ms(smooth[d].median)} | ${ms(noisy[d].median)} | ${smooth[d].correct + noisy[d].correct}/${smooth[d].total + noisy[d].total} |`),
  "",
  "Budgets (docs: DESIGN.md, \"Budgets\"):",
  "",
  `- more photos decoded than zxing-cpp: ${ours.photos.correct} vs ${zxing.photos.correct}, ${ours.photos.correct > zxing.photos.correct ? "**met**" : "**not met**"};`,
  `- median per 640x480 frame below zxing-wasm's and under 33 ms: ${ms(ours.frames.median)} vs ${ms(zxing.frames.median)}, ${ours.frames.median < zxing.frames.median && ours.frames.median < 33 ? "**met**" : "**not met**"};`,
  `- median per 640x480 frame without a code below zxing-wasm's: smooth ${ms(smooth[0].median)} vs ${ms(smooth[1].median)}, sensor noise ${ms(noisy[0].median)} vs ${ms(noisy[1].median)}, ${smooth[0].median < smooth[1].median && noisy[0].median < noisy[1].median ? "**met**" : "**not met**"};`,
  `- \`pkg/\` wasm at most 200 KB gzipped: ${kb(Number(pkgGzip))}, ${Number(pkgGzip) <= 200 * 1024 ? "**met**" : "**not met**"}.`,
  "",
  "Not decoded:",
  "",
  ...decoders.map(([name], d) => `- ${name}: photos ${photos[d].missed.join(", ") || "none"}; frames ${frames[d].missed.join(", ") || "none"}.`),
];

const START = "<!-- bench:start (written by cargo xtask bench; edits inside are replaced) -->";
const END = "<!-- bench:end -->";
const docPath = new URL("../docs/BENCHMARKS.md", import.meta.url);
const doc = existsSync(docPath) ? readFileSync(docPath, "utf8") : `# Benchmarks\n\n${START}\n${END}\n`;
const from = doc.indexOf(START), to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error("docs/BENCHMARKS.md lost its bench markers");
writeFileSync(docPath, doc.slice(0, from + START.length) + "\n" + lines.join("\n") + "\n" + doc.slice(to));
console.log(lines.join("\n"));
