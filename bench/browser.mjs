// Issue #7's budget in a real browser (Debian's Chromium through playwright-core, its fake camera fed a Y4M video):
//
// 1. Offline start to decoded frames: the installed app, with no network (MDM stopped and the browser offline),
//    from navigation start to the camera's first decoded token in the "Token code" box, under 1 s. The page
//    presses "Scan with camera" itself the moment the button appears, so no test-driver round trip is timed.
//    Cold: a new browser process on the same profile for each run; warm: a new tab in a running browser.
// 2. Frames decoded per second in the browser: one page of the served app, the same 640x480 camera frames (one
//    with the token's QR, one empty scene, and that scene without noise), decoded by pkg's scanRgba (/scan/fieldtoken.js, the file the app's
//    worker imports) on the main thread and through the app's worker (/scan/scan-worker.js), and by jsQR, interleaved.
//    Beside it, the app's own camera loop on the empty scene: answers from its worker per second.
//
// usage: node bench/browser.mjs MDM_BINARY [SECTION_FILE]
//   MDM_BINARY is the release fieldtoken-mdm; it serves the release PWA from dist/ (FIELDTOKEN_DIST overrides).
//   The report is Markdown on stdout; with SECTION_FILE it is also written there, and `cargo xtask bench` puts it
//   into docs/BENCHMARKS.md between the bench-browser markers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { initSync, qrPng } from "fieldtoken";
import { startServer, frameLuma, cameraArgs, CHROMIUM, CHROMIUM_ARGS } from "../tests/e2e/support.mjs";

const [mdm, sectionFile] = process.argv.slice(2);
if (!mdm) throw new Error("usage: node bench/browser.mjs MDM_BINARY [SECTION_FILE]");

/** Timed offline starts of each kind (cold browser, warm tab); the report gives their median. */
const RUNS = 7;
const BUDGET_MS = 1000;
const [WIDTH, HEIGHT] = [640, 480];
/** Decoding rounds per frame (each round: every decoder once), bounded by time on a slow machine. */
const ROUNDS = 40;
const ROUND_SECONDS = 15;
/** How long the app's camera loop runs on the empty scene to count its worker's answers. */
const LOOP_SECONDS = 6;

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve("fieldtoken/fieldtoken_bg.wasm")) });
const JSQR = require.resolve("jsqr/dist/jsQR.js");

const dir = mkdtempSync(join(tmpdir(), "fieldtoken-bench-browser-"));
const profile = join(dir, "profile");
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const load = () => loadavg()[0];

/** A persistent Chromium whose fake camera plays `video` in a loop (the flags of the e2e camera test). */
async function launch(video, userDataDir = profile) {
  const began = performance.now();
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...cameraArgs(video)],
    viewport: { width: 412, height: 860 },
  });
  return { context, launchMs: performance.now() - began };
}

/** Writes a one-frame Y4M (4:2:0, grey: chroma at 128) of 640x480 luma; Chromium's fake camera repeats it at 30 fps. */
function writeY4m(path, luma) {
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F30:1 Ip A1:1 C420jpeg\nFRAME\n`);
  writeFileSync(path, Buffer.concat([header, luma, chroma]));
}

/** The token's QR centred on white, as the e2e camera test draws it (PNG decoded by a throwaway page's canvas). */
async function qrLuma(png) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    return await frameLuma(page, png, WIDTH, HEIGHT);
  } finally {
    await browser.close();
  }
}

/**
 * A camera's view of a desk with no code on it: a lighting gradient, papers and objects as flat shapes with hard
 * edges, and sensor noise (a fixed seed, so every run decodes the same pixels). An all-white frame would flatter
 * every decoder: edges and noise are what make a scanner's passes work.
 */
function emptySceneLuma({ noise = 24 } = {}) {
  let seed = 0x2545f491;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const luma = new Float64Array(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) luma[y * WIDTH + x] = 90 + 100 * (x / WIDTH) * 0.6 + 60 * (y / HEIGHT) * 0.4;
  }
  for (let k = 0; k < 14; k++) {
    const [w, h] = [20 + random() * 220, 10 + random() * 160];
    const [x0, y0] = [random() * (WIDTH - w), random() * (HEIGHT - h)];
    const shade = 20 + random() * 220;
    for (let y = Math.floor(y0); y < y0 + h; y++) for (let x = Math.floor(x0); x < x0 + w; x++) luma[y * WIDTH + x] = shade;
  }
  const out = Buffer.alloc(WIDTH * HEIGHT);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(luma[i] + (random() - 0.5) * noise)));
  return out;
}

/**
 * Runs before the app's own scripts in every page it is added to. It timestamps, with `performance.now()`
 * (0 = this document's navigation start): the "Scan with camera" button appearing (the app shell is
 * interactive) and being pressed at once, getUserMedia resolving, the scan worker's creation, its first frame
 * posted and first answer, the first answer holding a text, and the text in the "Token code" box (checked at
 * its \`value\` setter, and at the next animation frame for when it could be painted). It only observes: the app's
 * calls go through unchanged. With `press: false` it presses nothing and only counts the worker's traffic.
 */
function instrument({ press }) {
  if (window.top !== window) return;
  const bench = (window.__bench = { marks: {}, posted: [], answered: [] });
  const mark = (name) => {
    if (!(name in bench.marks)) bench.marks[name] = performance.now();
  };
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      mark("workerCreated");
      // Registered before the app's `onmessage`, so it sees each answer first.
      this.addEventListener("message", (event) => {
        mark("firstAnswer");
        bench.answered.push(performance.now());
        if (Array.isArray(event.data) && event.data.length > 0) {
          mark("firstText");
          bench.text = event.data[0];
        }
      });
    }
    postMessage(...args) {
      mark("firstPost");
      bench.posted.push(performance.now());
      return super.postMessage(...args);
    }
  };
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    mark("cameraAsked");
    const stream = await getUserMedia(constraints);
    mark("cameraOpen");
    return stream;
  };
  const onScreen = () => {
    if (bench.marks.onScreen) return;
    mark("onScreen");
    requestAnimationFrame(() => mark("frameAfter"));
  };
  // The app sets the box's `value` property, which no DOM observer sees: the setter is where it lands.
  const value = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  Object.defineProperty(HTMLInputElement.prototype, "value", {
    ...value,
    set(text) {
      value.set.call(this, text);
      if (this.id === "token-code" && bench.text && text === bench.text) onScreen();
    },
  });
  const check = () => {
    if (!bench.marks.shell) {
      const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Scan with camera");
      if (button) {
        mark("shell");
        if (press) button.click();
      }
    }
    const box = document.getElementById("token-code");
    if (bench.text && box?.value === bench.text) onScreen();
    if (/^Token #/.test(document.getElementById("verdict-title")?.textContent ?? "")) mark("verdict");
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
}

/** One offline start: navigation to the first decoded token in the box; every mark, and the navigation's timing. */
async function offlineStart(context, url, expected) {
  const page = await context.newPage();
  await page.addInitScript(instrument, { press: true });
  const loadAverage = load();
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.marks.frameAfter !== undefined, null, { timeout: 30_000 }).catch(async (error) => {
    const seen = await page.evaluate(() => ({ marks: window.__bench?.marks, text: window.__bench?.text, box: document.getElementById("token-code")?.value })).catch(() => ({}));
    throw new Error(`no token on screen after an offline start: ${JSON.stringify(seen)}`, { cause: error });
  });
  const result = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const wasm = performance.getEntriesByType("resource").find((r) => /fieldtoken-pwa-.*_bg\.wasm$/.test(r.name));
    return {
      marks: window.__bench.marks,
      text: window.__bench.text,
      // The document from the service worker's cache: worker start-up and cache lookup included.
      documentMs: nav.responseEnd,
      wasmMs: wasm?.responseEnd,
      online: navigator.onLine,
      controlled: navigator.serviceWorker.controller !== null,
    };
  });
  await page.close();
  if (result.text !== expected) throw new Error(`the camera read ${JSON.stringify(result.text)}, not the token`);
  if (result.online || !result.controlled) throw new Error("the start was not offline from the service worker");
  return { ...result, load: loadAverage };
}

/** A 640x480 frame from the fake camera, read back as the app reads it (drawn to a canvas), as base64 RGBA. */
async function grabFrame(page) {
  return page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: "environment" } });
    const video = Object.assign(document.createElement("video"), { muted: true, srcObject: stream });
    await video.play();
    while (video.videoWidth === 0) await new Promise((r) => setTimeout(r, 10));
    const canvas = Object.assign(document.createElement("canvas"), { width: video.videoWidth, height: video.videoHeight });
    const context = canvas.getContext("2d");
    context.drawImage(video, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
    for (const track of stream.getTracks()) track.stop();
    let binary = "";
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width, height, base64: btoa(binary) };
  });
}

/**
 * In the page: the same frames decoded by scanRgba on the main thread, by the app's scan worker (a frame
 * copied and transferred, as the camera loop does, then its answer), and by jsQR, interleaved round by round.
 */
async function decodeInPage(page, frames) {
  return page.evaluate(async ({ frames, rounds, seconds }) => {
    const { default: init, scanRgba } = await import("/scan/fieldtoken.js");
    await init({ module_or_path: "/scan/fieldtoken_bg.wasm" });
    const worker = new Worker("/scan/scan-worker.js", { type: "module" });
    const viaWorker = (f) =>
      new Promise((resolve) => {
        worker.onmessage = ({ data }) => resolve(data);
        const rgba = new Uint8ClampedArray(f.data);
        worker.postMessage({ rgba: rgba.buffer, width: f.width, height: f.height }, [rgba.buffer]);
      });
    const decoders = {
      main: (f) => scanRgba(f.data, f.width, f.height),
      worker: viaWorker,
      jsqr: (f) => {
        const found = window.jsQR(f.data, f.width, f.height);
        return found ? [found.data] : [];
      },
    };
    const results = {};
    for (const frame of frames) {
      const bytes = Uint8Array.from(atob(frame.base64), (c) => c.charCodeAt(0));
      const f = { width: frame.width, height: frame.height, data: new Uint8ClampedArray(bytes.buffer) };
      const times = Object.fromEntries(Object.keys(decoders).map((k) => [k, []]));
      const texts = {};
      // Warm-up: the worker's module and wasm load, and every decoder's code tiers up, before timing.
      for (const [name, decode] of Object.entries(decoders)) for (let i = 0; i < 3; i++) texts[name] = await decode(f);
      const stop = performance.now() + seconds * 1000;
      for (let round = 0; round < rounds && performance.now() < stop; round++) {
        for (const [name, decode] of Object.entries(decoders)) {
          const began = performance.now();
          await decode(f);
          times[name].push(performance.now() - began);
        }
      }
      results[frame.name] = { times, texts };
    }
    worker.terminate();
    return results;
  }, { frames, rounds: ROUNDS, seconds: ROUND_SECONDS });
}

const startLoad = load();
const server = await startServer({ org: "Bench", mdm });
let stopped = false;
try {
  const expires_at = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  const made = await server.api("POST", "/api/v1/action-tokens", { name: "Bench: camera", action: { type: "put_in_stock" }, expires_at });
  if (made.status !== 201) throw new Error(`creating a token: ${made.status} ${JSON.stringify(made.body)}`);
  const token = made.body;
  const qrVideo = join(dir, "token.y4m");
  const emptyVideo = join(dir, "empty.y4m");
  writeY4m(qrVideo, await qrLuma(qrPng(token.qr.new, { scale: 4, margin: 4 })));
  writeY4m(emptyVideo, emptySceneLuma());

  // ---- the installed app: one online visit signs in (the offline bundle is downloaded) and the service
  // worker precaches the build; then a frame of the token's QR from the camera, for the decoding table.
  let frames = [];
  {
    const { context } = await launch(qrVideo);
    await context.grantPermissions(["camera"], { origin: server.url });
    const page = await context.newPage();
    await page.goto(new URL("/admin/sign-in", server.url).href);
    await page.getByLabel("API token").fill(server.admin.admin_token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Action Tokens" }).waitFor();
    await page.goto(server.url);
    await page.getByText(/Token checks use the MDM's data of .*, just downloaded\./).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cached = await page.evaluate(async () => {
      const cache = await caches.open((await caches.keys()).find((name) => name.startsWith("fieldtoken-")));
      return (await cache.keys()).map((request) => new URL(request.url).pathname);
    });
    if (!cached.includes("/scan/scan-worker.js")) throw new Error(`the scanner is not precached: ${cached}`);
    frames.push({ name: "qr", ...(await grabFrame(page)) });
    await context.close();
  }

  // ---- in one page of the served app, online: the camera loop's worker answers on the empty scene, then the
  // decoders on both camera frames.
  let loop;
  let decoded;
  const decodeLoad = load();
  {
    const { context } = await launch(emptyVideo, join(dir, "profile-empty"));
    await context.grantPermissions(["camera"], { origin: server.url });
    const page = await context.newPage();
    await page.addInitScript(instrument, { press: true });
    await page.goto(server.url);
    await page.waitForFunction(() => window.__bench?.marks.firstAnswer !== undefined, null, { timeout: 30_000 });
    // A second to settle, then count the worker's answers over the window.
    await page.waitForTimeout(1000);
    const from = await page.evaluate(() => ({ t: performance.now(), n: window.__bench.answered.length }));
    await page.waitForTimeout(LOOP_SECONDS * 1000);
    loop = await page.evaluate(({ from }) => {
      const { posted, answered } = window.__bench;
      const t = performance.now();
      // Frames in flight are one at a time: answer i belongs to post i.
      const trips = answered.map((a, i) => a - posted[i]).slice(from.n);
      const help = document.querySelector(".viewfinder .help")?.textContent ?? "";
      return { perSecond: ((answered.length - from.n) * 1000) / (t - from.t), trips, help };
    }, { from });
    await page.close();

    const bench = await context.newPage();
    await bench.goto(server.url);
    await bench.getByRole("button", { name: "Scan with camera" }).waitFor();
    frames.push({ name: "empty", ...(await grabFrame(bench)) });
    // The same desk with no sensor noise, straight from its pixels (no camera): how much of a decoder's time
    // on an empty frame is the noise.
    const flat = emptySceneLuma({ noise: 0 });
    const rgba = Buffer.alloc(WIDTH * HEIGHT * 4, 255);
    for (let i = 0; i < flat.length; i++) rgba.fill(flat[i], 4 * i, 4 * i + 3);
    frames.push({ name: "flat", width: WIDTH, height: HEIGHT, base64: rgba.toString("base64") });
    await bench.addScriptTag({ path: JSQR });
    decoded = await decodeInPage(bench, frames);
    await context.close();
  }

  // ---- offline: the MDM stopped, every context offline; cold (new browser on the profile), then warm (new tabs).
  await server.stop();
  stopped = true;
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const { context, launchMs } = await launch(qrVideo);
    await context.setOffline(true);
    cold.push({ ...(await offlineStart(context, server.url, token.qr.new)), launchMs });
    await context.close();
  }
  const warm = [];
  {
    const { context } = await launch(qrVideo);
    await context.setOffline(true);
    // One start not counted: the browser's first tab pays what the cold rows already show.
    await offlineStart(context, server.url, token.qr.new);
    for (let i = 0; i < RUNS; i++) warm.push(await offlineStart(context, server.url, token.qr.new));
    await context.close();
  }

  // ---- the report
  const ms = (t) => (t === undefined ? "n/a" : `${Math.round(t)} ms`);
  const ms2 = (t) => `${t.toFixed(1)} ms`;
  const med = (runs, f) => median(runs.map(f));
  const parts = (runs) => ({
    document: med(runs, (r) => r.documentMs),
    shell: med(runs, (r) => r.marks.shell - r.documentMs),
    shellFromNavigation: med(runs, (r) => r.marks.shell),
    camera: med(runs, (r) => r.marks.cameraOpen - r.marks.shell),
    firstPost: med(runs, (r) => r.marks.firstPost - r.marks.cameraOpen),
    firstText: med(runs, (r) => r.marks.firstText - r.marks.firstPost),
    onScreen: med(runs, (r) => r.marks.onScreen - r.marks.firstText),
    total: med(runs, (r) => r.marks.onScreen),
    cameraToText: med(runs, (r) => r.marks.onScreen - r.marks.shell),
    load: med(runs, (r) => r.load),
  });
  const c = parts(cold);
  const w = parts(warm);
  const verdict = (t) => (t < BUDGET_MS ? "**met**" : "**missed**");
  const row = (label, p) =>
    `| ${label} | ${ms(p.document)} | ${ms(p.shell)} | ${ms(p.camera)} | ${ms(p.firstPost)} | ${ms(p.firstText)} | ${ms(p.onScreen)} | **${ms(p.total)}** | ${p.load.toFixed(1)} |`;
  const list = (runs) => runs.map((r) => Math.round(r.marks.onScreen)).join(", ");

  const decoderNames = { main: "fieldtoken scanRgba, main thread", worker: "fieldtoken scanRgba, the app's worker (round trip)", jsqr: "jsQR, main thread" };
  const decodeRows = [];
  const frameNames = { qr: "token QR", empty: "empty scene", flat: "empty scene, no noise" };
  for (const frame of Object.keys(frameNames)) {
    const { times, texts } = decoded[frame];
    for (const [key, name] of Object.entries(decoderNames)) {
      const t = times[key];
      const total = t.reduce((a, b) => a + b, 0);
      const found = frame === "qr" ? (texts[key].includes(token.qr.new) ? "yes" : "**no**") : texts[key].length === 0 ? "nothing (right)" : "**a false read**";
      decodeRows.push(`| ${frameNames[frame]} | ${name} | ${ms2(median(t))} | ${Math.round((t.length * 1000) / total)} | ${found} | ${t.length} |`);
    }
  }
  const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8")).version;
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown CPU";
  const chromiumVersion = (await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }).then(async (b) => {
    const v = b.version();
    await b.close();
    return v;
  }));

  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`cargo xtask bench\` (\`bench/browser.mjs\`) on ${availableParallelism()} cores of ${cpu};`,
    `Chromium ${chromiumVersion} (headless, playwright-core ${version("playwright-core")}), the release PWA and MDM; jsqr ${version("jsqr")}.`,
    `Load average ${startLoad.toFixed(1)} when the run started, ${decodeLoad.toFixed(1)} before the decoding table (2 cores shared with other builds: every time here is noisier than on an idle machine).`,
    "",
    "### Offline start to the first decoded token",
    "",
    `The MDM stopped and the browser offline; the app from its service worker's cache, signed in once before (the bundle is in IndexedDB). ` +
      `Times from the document's navigation start, median of ${RUNS} runs each; the page presses "Scan with camera" itself as soon as the button is in the DOM. ` +
      `The fake camera plays a 640x480 grey video of the token's QR (${token.qr.new.length} characters) at 30 fps.`,
    "",
    "| start | navigation → document from the worker's cache | → app shell interactive (button in the DOM, pressed) | → camera open (getUserMedia resolved) | → first frame posted to the worker | → first text from the worker | → text in the Token code box | **navigation → token on screen** | load average |",
    "|---|---|---|---|---|---|---|---|---|",
    row(`cold: a new browser on the same profile (launch ${ms(median(cold.map((r) => r.launchMs)))}, not counted)`, c),
    row("warm: a new tab in a running browser", w),
    "",
    `Each step is the time since the previous one, each a median over the runs (so they need not add up to the total exactly). ` +
      `App shell interactive from navigation: cold ${ms(c.shellFromNavigation)}, warm ${ms(w.shellFromNavigation)}; ` +
      `from the button to the token on screen (camera start to the first decoded frame): cold ${ms(c.cameraToText)}, warm ${ms(w.cameraToText)}.`,
    `Every run, navigation to token on screen: cold ${list(cold)} ms; warm ${list(warm)} ms.`,
    "",
    `Budget: under 1 s from opening the installed app offline to decoded frames: cold ${ms(c.total)} ${verdict(c.total)}, warm ${ms(w.total)} ${verdict(w.total)}.`,
    "",
    "### Frames decoded per second in the browser",
    "",
    `One page of the served app (\`/\`, online), the same 640x480 RGBA frames read back from the fake camera through a canvas, as the app reads them: ` +
      `the token's QR, and an empty scene (a desk with flat shapes and sensor noise, no code); beside them the same scene without noise, made directly as RGBA (not through the camera). Decoders interleaved round by round, up to ${ROUNDS} rounds or ${ROUND_SECONDS} s per frame, after 3 warm-up calls; ` +
      `frames/s is calls over their summed time, one after the other. The worker row posts a copy of the frame (transferred) to \`/scan/scan-worker.js\` and waits for the answer, as the camera loop does.`,
    "",
    "| frame | decoder | median per frame | frames/s | decoded | calls |",
    "|---|---|---|---|---|---|",
    ...decodeRows,
    "",
    `The app's camera loop on the empty scene (a frame every 120 ms, one in flight): ${loop.perSecond.toFixed(1)} frames answered per second by its worker over ${LOOP_SECONDS} s, ` +
      `median round trip (canvas frame posted to answer) ${ms2(median(loop.trips))}; the screen said "${loop.help}".`,
  ];
  const report = lines.join("\n");
  if (sectionFile) writeFileSync(sectionFile, report + "\n");
  console.log(report);
} finally {
  if (!stopped) await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
