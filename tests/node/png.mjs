// A small PNG decoder for the tests (node:zlib does the inflate): every colour type and bit depth the sample
// photos and qrPng use, non-interlaced. Returns RGBA8 like a canvas's ImageData.
import { inflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Decodes PNG bytes to `{ width, height, data }` (RGBA8); throws on what it does not support. */
export function decodePng(bytes) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG");
  let header, palette, alpha;
  const idat = [];
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], color: data[9], interlace: data[12] };
    } else if (type === "PLTE") palette = data;
    else if (type === "tRNS") alpha = data;
    else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    at += 12 + length;
  }
  const { width, height, depth, color, interlace } = header;
  if (interlace) throw new Error("interlaced PNGs are not supported");
  const channels = CHANNELS[color];
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const step = Math.max(1, bitsPerPixel >> 3);
  const raw = inflateSync(Buffer.concat(idat));
  const rows = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = rows.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? rows.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= step ? out[x - step] : 0, b = up[x], c = x >= step ? up[x - step] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[x] = v & 0xff;
    }
  }
  const sample = (row, index) => {
    // The index-th sample of a row, scaled to 8 bits (palette indices are not scaled).
    if (depth === 8) return rows[row * stride + index];
    if (depth === 16) return rows[row * stride + 2 * index];
    const bit = index * depth, byte = rows[row * stride + (bit >> 3)];
    const v = (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    return color === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
  };
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4, s = (i) => sample(y, x * channels + i);
      let px;
      if (color === 0) px = [s(0), s(0), s(0), 255];
      else if (color === 2) px = [s(0), s(1), s(2), 255];
      else if (color === 3) {
        const i = s(0);
        px = [palette[3 * i], palette[3 * i + 1], palette[3 * i + 2], alpha && i < alpha.length ? alpha[i] : 255];
      } else if (color === 4) px = [s(0), s(0), s(0), s(1)];
      else px = [s(0), s(1), s(2), s(3)];
      data.set(px, o);
    }
  }
  return { width, height, data };
}
