// Decodes camera frames off the main thread with the core's QR scanner (pkg/, the same Rust as everywhere), so the
// page never stalls. Loaded only when the operator opens the camera; Trunk copies it beside pkg's JS and wasm.
import init, { scanRgba } from "./fieldtoken.js";

const ready = init({ module_or_path: new URL("./fieldtoken_bg.wasm", import.meta.url) });

self.onmessage = async ({ data }) => {
  await ready;
  let texts = [];
  try {
    texts = scanRgba(new Uint8ClampedArray(data.rgba), data.width, data.height);
  } catch {
    // scanRgba never throws on pixels; a bad message is answered with nothing found.
  }
  self.postMessage(texts);
};
