// Independent JavaScript makers of test tokens, written from docs/FORMATS.md (not from the Rust code), so the
// tests check the package against the documented formats: claims, Ed25519 signatures, Base41, code hashes.
import { createHmac, createPrivateKey, createPublicKey, sign } from "node:crypto";

const BASE41 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*-.:";
const CONTEXT = Buffer.from("fieldtoken/action-token\0", "latin1");
const ACTIONS = { put_in_fleet: 1, put_in_repair: 2, put_in_stock: 3, reset_certificate: 4 };

/** The FORMATS.md vectors' key: RFC 8032 TEST 1, key id 1, organisation 7. */
export const SEED = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
export const PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
export const DIRECTORY_KEY = "11".repeat(32);
/** 2026-12-31T23:59:59Z, the vectors' expiry, in seconds. */
export const EXPIRY = 1798761599;

export function base41(bytes) {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const n = bytes[i] * 256 + bytes[i + 1];
    out += BASE41[n % 41] + BASE41[Math.floor(n / 41) % 41] + BASE41[Math.floor(n / 1681)];
  }
  if (bytes.length % 2) {
    const n = bytes[bytes.length - 1];
    out += BASE41[n % 41] + BASE41[Math.floor(n / 41)];
  }
  return out;
}

export function unbase41(text) {
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const v = [...text.slice(i, i + 3)].map((c) => BASE41.indexOf(c));
    const n = v[0] + v[1] * 41 + (v.length === 3 ? v[2] * 1681 : 0);
    if (v.length === 3) out.push(n >> 8, n & 0xff);
    else out.push(n);
  }
  return Buffer.from(out);
}

/** Claim bytes of format version `version` (only 1 exists; others test "update required"). */
export function claims({ version = 1, keyId = 1, org = 7, tokenId = 1001, expiry = EXPIRY, action = "put_in_fleet", fleet = 3 }) {
  const out = Buffer.alloc(action === "put_in_fleet" ? 22 : 18);
  out[0] = version;
  out.writeUInt32BE(keyId, 1);
  out.writeUInt32BE(org, 5);
  out.writeUInt32BE(tokenId, 9);
  out.writeUInt32BE(expiry, 13);
  out[17] = ACTIONS[action];
  if (action === "put_in_fleet") out.writeUInt32BE(fleet, 18);
  return out;
}

export function privateKey(seed = SEED) {
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  return createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
}

export function publicKeyHex(seed) {
  return createPublicKey(privateKey(seed)).export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
}

/** The signed token's bytes: claims then the Ed25519 signature of context ‖ claims. */
export function signedBytes(fields = {}, seed = SEED) {
  const c = claims(fields);
  return Buffer.concat([c, sign(null, Buffer.concat([CONTEXT, c]), privateKey(seed))]);
}

export const text = (bytes) => "FT:" + base41(bytes);
export const deepLink = (bytes, host = "MDM.EXAMPLE.COM") => `HTTPS://${host}/T/` + base41(bytes);

/** The code directory hash of a code's 10 bytes (hex), under the vectors' directory key. */
export function codeHash(codeBytes, key = DIRECTORY_KEY) {
  return createHmac("sha256", Buffer.from(key, "hex")).update(codeBytes).digest().subarray(0, 16).toString("hex");
}
