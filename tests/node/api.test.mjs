// Every function of the fieldtoken package, with every error path and its stable code, as a Node user calls them.
// Tokens are made here from docs/FORMATS.md (tokens.mjs), independently of the Rust code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import {
  initSync, normalizeCode, parseToken, verifyToken, Verifier, qrSvg, qrPng, ndefRecords, tokenFromNdef, scanRgba,
  applyBundleChanges, bundleInfo,
} from "fieldtoken";
import { decodePng } from "./png.mjs";
import * as t from "./tokens.mjs";

initSync({ module: readFileSync(createRequire(import.meta.url).resolve("fieldtoken/fieldtoken_bg.wasm")) });

const CODE = "0410-6105-0R3G-G28A-Z";
const CODE_BYTES = Buffer.from("0102030405060708090a", "hex");
const VECTOR_LINK =
  "HTTPS://MDM.EXAMPLE.COM/T/A60000A60000T21300IMZ-E80EJ000300AIYB.DO9EQB11TC0JK7L5X58218CJ1QJN*BCQ3TC4ZLJSN:U1JD*0KL$DMVVQYXOASTI8*:CU74F.L8TXV6HRGO4RPZ1DKJL";
const BEFORE_EXPIRY = Date.UTC(2026, 0, 1);
const AT_EXPIRY = t.EXPIRY * 1000;

function bundle(overrides = {}) {
  return {
    org: 7,
    keys: [{ key_id: 1, public_key: t.PUBLIC_KEY }],
    directory: {
      key: t.DIRECTORY_KEY,
      entries: [
        { hash: t.codeHash(CODE_BYTES), token_id: 1001, action: { type: "put_in_fleet", fleet_id: 3 }, expires_at: AT_EXPIRY },
      ],
    },
    deleted: [],
    fleets: [{ id: 3, name: "Warehouse" }],
    devices: [{ id: 5, state: "in_stock", certificate: "ab".repeat(32) }],
    ...overrides,
  };
}

/** Asserts that `fn` throws a FieldTokenError with `code` (and `position` when given). */
/** Asserts `fn` throws a FieldTokenError with `code` (and `position`), and returns that error. */
function throwsCode(fn, code, position) {
  let thrown;
  assert.throws(fn, (e) => {
    thrown = e;
    assert.ok(e instanceof Error, "an Error");
    assert.equal(e.name, "FieldTokenError");
    assert.equal(e.code, code, e.message);
    assert.equal(typeof e.message, "string");
    assert.ok(e.message.length > 0);
    if (position !== undefined) assert.equal(e.position, position);
    return true;
  });
  return thrown;
}

test("parseToken reads the signed vector as text and as deep link, in any case", () => {
  const expected = {
    format: "signed", key_id: 1, org: 7, token_id: 1001,
    action: { type: "put_in_fleet", fleet_id: 3 }, expires_at: AT_EXPIRY,
  };
  assert.deepEqual(parseToken(VECTOR_LINK), expected);
  assert.deepEqual(parseToken(VECTOR_LINK.toLowerCase()), expected);
  assert.deepEqual(parseToken(t.text(t.signedBytes())), expected);
  assert.deepEqual(parseToken(t.text(t.signedBytes({ tokenId: 1002, action: "put_in_repair" }))), {
    ...expected, token_id: 1002, action: { type: "put_in_repair" },
  });
});

test("parseToken reads codes typed loosely and old-format QR text", () => {
  for (const typed of [CODE, "0410 6105 0r3g g28a z", "O4IO-6IO5-OR3G-G28A-Z", `https://mdm.example.com/t/${CODE}`]) {
    assert.deepEqual(parseToken(typed), { format: "code", code: CODE }, typed);
  }
});

test("parseToken errors carry stable codes and positions", () => {
  throwsCode(() => parseToken("   "), "empty");
  throwsCode(() => parseToken("0410-6105-0R3G-G2A8-Z"), "bad_check_symbol", 17);
  throwsCode(() => parseToken("0410-6105-0R3G-G28B-Z"), "bad_check_symbol", 17);
  throwsCode(() => parseToken("0410-61#5-0R3G-G28A-Z"), "bad_symbol", 7);
  throwsCode(() => parseToken("0410-6105"), "bad_length");
  const signed = t.text(t.signedBytes());
  throwsCode(() => parseToken(signed.slice(0, 60)), "truncated");
  throwsCode(() => parseToken(t.text(t.signedBytes({ version: 2 }))), "unsupported_version");
  // A newer version is "update required" whatever follows, even junk that no version 1 token could hold.
  throwsCode(() => parseToken(t.text(Buffer.from([2, 0]))), "unsupported_version");
  throwsCode(() => parseToken(t.text(Buffer.concat([t.signedBytes(), Buffer.from([0, 0])]))), "trailing_data");
  throwsCode(() => parseToken("https://mdm.example.com/x/" + CODE), "bad_link");
  throwsCode(() => parseToken("https://mdm_example.com/t/" + CODE), "bad_host");
});

test("verifyToken accepts the vector and a code from the directory before expiry", () => {
  const verdict = { format: "signed", token_id: 1001, org: 7, action: { type: "put_in_fleet", fleet_id: 3 }, expires_at: AT_EXPIRY };
  assert.deepEqual(verifyToken(VECTOR_LINK, bundle(), BEFORE_EXPIRY), verdict);
  assert.deepEqual(verifyToken(VECTOR_LINK, bundle(), AT_EXPIRY - 1), verdict);
  assert.deepEqual(verifyToken("0410 6105 0r3g g28a z", bundle(), BEFORE_EXPIRY), { ...verdict, format: "code" });
  // The bundle may come as the JSON text the MDM sent, with upper-case hex and RFC 3339 times.
  const text = JSON.stringify(bundle({
    keys: [{ key_id: 1, public_key: t.PUBLIC_KEY.toUpperCase() }],
    directory: { key: t.DIRECTORY_KEY, entries: [{ hash: t.codeHash(CODE_BYTES), token_id: 1001, action: { type: "put_in_repair" }, expires_at: "2026-12-31T23:59:59Z" }] },
  }));
  assert.deepEqual(verifyToken(VECTOR_LINK, text, BEFORE_EXPIRY), verdict);
  assert.deepEqual(verifyToken(CODE, text, BEFORE_EXPIRY), { ...verdict, format: "code", action: { type: "put_in_repair" } });
});

test("verifyToken reads the bundle exactly as the MDM serves it (crates/fieldtoken-mdm/src/bundle.rs)", () => {
  const served = {
    version: 12, org: 7, generated_at: "2026-01-01T00:00:00Z",
    keys: [{ key_id: 1, org: 7, public_key: t.PUBLIC_KEY }],
    directory: {
      key: t.DIRECTORY_KEY,
      entries: [{ hash: t.codeHash(CODE_BYTES), token_id: 1001, org: 7, action: { type: "put_in_fleet", fleet_id: 3 }, expires_at: "2026-12-31T23:59:59Z" }],
    },
    deleted: [1002],
    fleets: [{ id: 3, name: "Warehouse" }],
    devices: [{ id: 5, serial: "SN-5", state: "in_fleet", fleet_id: 3, enrolled: true }, { id: 6, serial: "SN-6", state: "in_repair", enrolled: false }],
  };
  assert.equal(verifyToken(CODE, JSON.stringify(served), BEFORE_EXPIRY).token_id, 1001);
  assert.equal(verifyToken(VECTOR_LINK, served, BEFORE_EXPIRY).token_id, 1001);
  throwsCode(() => verifyToken(t.text(t.signedBytes({ tokenId: 1002, action: "put_in_repair" })), served, BEFORE_EXPIRY), "deleted");
  // After an admin retires key 1, the MDM lists it: its QR codes fail as they will at sync, saying so, rather than
  // "unknown key, sync to refresh", which no sync would fix.
  const retired = { ...served, keys: [], retired_keys: [1] };
  const error = throwsCode(() => verifyToken(VECTOR_LINK, retired, BEFORE_EXPIRY), "bad_signature");
  assert.match(error.message, /retired/);
  assert.equal(verifyToken(CODE, retired, BEFORE_EXPIRY).token_id, 1001, "old-format codes do not depend on keys");
  const zero = throwsCode(() => verifyToken(CODE, { ...served, retired_keys: [0] }, BEFORE_EXPIRY), "bad_id");
  assert.match(zero.message, /^bundle\.retired_keys\[0\]: /);
});

test("verifyToken refuses with the first failed check's code", () => {
  const bytes = t.signedBytes();
  const flipped = (i) => { const b = Buffer.from(bytes); b[i] ^= 0x01; return t.text(b); };
  throwsCode(() => verifyToken(flipped(40), bundle(), BEFORE_EXPIRY), "bad_signature"); // a bit of the signature
  throwsCode(() => verifyToken(flipped(12), bundle(), BEFORE_EXPIRY), "bad_signature"); // a bit of the token id
  const otherSeed = Buffer.alloc(32, 42);
  throwsCode(() => verifyToken(t.text(t.signedBytes({}, otherSeed)), bundle(), BEFORE_EXPIRY), "bad_signature");
  throwsCode(() => verifyToken(t.text(t.signedBytes({ keyId: 2 })), bundle(), BEFORE_EXPIRY), "unknown_key");
  throwsCode(() => verifyToken(VECTOR_LINK, bundle(), AT_EXPIRY), "expired");
  throwsCode(() => verifyToken(CODE, bundle(), AT_EXPIRY + 1), "expired");
  throwsCode(() => verifyToken(VECTOR_LINK, bundle({ deleted: [1001] }), BEFORE_EXPIRY), "deleted");
  // A token of organisation 8, signed with organisation 8's key, on a phone of organisation 7.
  const org8 = { key_id: 9, org: 8, public_key: t.publicKeyHex(otherSeed) };
  const foreign = t.text(t.signedBytes({ keyId: 9, org: 8 }, otherSeed));
  throwsCode(() => verifyToken(foreign, bundle({ keys: [org8] }), BEFORE_EXPIRY), "other_org");
  // The vector's key claimed for organisation 8: the key's organisation must be the token's.
  throwsCode(() => verifyToken(VECTOR_LINK, bundle({ keys: [{ ...bundle().keys[0], org: 8 }] }), BEFORE_EXPIRY), "bad_signature");
  throwsCode(() => verifyToken("ZZZZ-ZZZZ-ZZZZ-ZZZZ-~", bundle(), BEFORE_EXPIRY), "unknown_token");
  throwsCode(() => verifyToken(t.text(t.signedBytes({ version: 2 })), bundle(), BEFORE_EXPIRY), "unsupported_version");
  throwsCode(() => verifyToken("0410-6105-0R3G-G2A8-Z", bundle(), BEFORE_EXPIRY), "bad_check_symbol", 17);
});

test("verifyToken says which part of a malformed bundle or clock is wrong", () => {
  const bad = (b, pattern) =>
    assert.throws(() => verifyToken(VECTOR_LINK, b, BEFORE_EXPIRY), (e) => e.code === "bad_format" && pattern.test(e.message));
  bad(undefined, /^bundle:/);
  bad("{not json", /bundle: is not valid JSON/);
  bad({ keys: [] }, /bundle\.org/);
  bad(bundle({ keys: [{ key_id: 1, public_key: "abc" }] }), /bundle\.keys\[0\]\.public_key: must be 64 hex digits/);
  bad(bundle({ keys: {} }), /bundle\.keys: must be an array/);
  bad(bundle({ directory: { key: t.DIRECTORY_KEY, entries: [{ hash: "00".repeat(16), token_id: 1, action: { type: "fly" }, expires_at: 0 }] } }), /entries\[0\]\.action/);
  bad(bundle({ devices: [{ id: 5, state: "in_fleet" }] }), /bundle\.devices\[0\]: state in_fleet needs fleet_id/);
  throwsCode(() => verifyToken(VECTOR_LINK, bundle({ org: 0 }), BEFORE_EXPIRY), "bad_id");
  throwsCode(() => verifyToken(VECTOR_LINK, bundle(), NaN), "bad_format");
  throwsCode(() => verifyToken(VECTOR_LINK, bundle(), Infinity), "bad_format");
});

test("a Verifier reads the bundle once and gives the same verdicts", () => {
  const verifier = new Verifier(bundle());
  assert.deepEqual(verifier.verifyToken(VECTOR_LINK, BEFORE_EXPIRY), verifyToken(VECTOR_LINK, bundle(), BEFORE_EXPIRY));
  assert.equal(verifier.verifyToken(CODE, BEFORE_EXPIRY).format, "code");
  throwsCode(() => verifier.verifyToken(VECTOR_LINK, AT_EXPIRY), "expired");
  throwsCode(() => verifier.verifyToken(VECTOR_LINK, NaN), "bad_format");
  throwsCode(() => new Verifier({ org: 7, keys: [{ key_id: 1, public_key: "zz".repeat(32) }] }), "bad_format");
  verifier.free();
});

// The compact bundle and changes vectors of docs/FORMATS.md ("Test vectors"), as the MDM would send them.
const COMPACT_BUNDLE = Buffer.from(
  "4654420100070580d0eab6b73311111111111111111111111111111111111111111111111111111111111111110101d75a980182b10ab7" +
    "d54bfed3c964073a0ee172f3daa62325af021a68f707511a000001e90731069c7e15c5f9830d3f66afde2dfa400003feb1b7b30d0001e8" +
    "0701e907114d6f766520746f2057617265686f75736501030957617265686f75736500012a0746542d30303432040300",
  "hex",
);
const COMPACT_CHANGES = Buffer.from(
  "4654420101070605e0a4eeb6b73311111111111111111111111111111111111111111111111111111111111111110000000001e90701e9070000000000",
  "hex",
);

test("a Verifier from a compact bundle gives the JSON bundle's verdicts, and changes applied to it take effect", () => {
  const verifier = Verifier.fromCompact(new Uint8Array(COMPACT_BUNDLE));
  assert.deepEqual(verifier.verifyToken(VECTOR_LINK, BEFORE_EXPIRY), verifyToken(VECTOR_LINK, bundle(), BEFORE_EXPIRY));
  assert.equal(verifier.verifyToken(CODE, BEFORE_EXPIRY).token_id, 1001);
  throwsCode(() => verifier.verifyToken(CODE, AT_EXPIRY), "expired");
  assert.deepEqual(bundleInfo(COMPACT_BUNDLE), { org: 7, version: 5 });
  assert.deepEqual(bundleInfo(COMPACT_CHANGES.buffer.slice(COMPACT_CHANGES.byteOffset, COMPACT_CHANGES.byteOffset + COMPACT_CHANGES.length)), { org: 7, version: 6, since: 5 });

  // Token 1001 deleted at version 6: its code leaves the directory and its signed QR is refused as deleted.
  const after = applyBundleChanges(COMPACT_BUNDLE, COMPACT_CHANGES);
  assert.ok(after instanceof Uint8Array);
  assert.deepEqual(bundleInfo(after), { org: 7, version: 6 });
  const refreshed = Verifier.fromCompact(after);
  throwsCode(() => refreshed.verifyToken(VECTOR_LINK, BEFORE_EXPIRY), "deleted");
  throwsCode(() => refreshed.verifyToken(CODE, BEFORE_EXPIRY), "unknown_token");
  // Applied twice, the changes no longer start at the bundle's version; a full bundle as the answer replaces it.
  throwsCode(() => applyBundleChanges(after, COMPACT_CHANGES), "bad_format");
  assert.deepEqual(applyBundleChanges(after, COMPACT_BUNDLE), new Uint8Array(COMPACT_BUNDLE));

  throwsCode(() => Verifier.fromCompact(COMPACT_BUNDLE.subarray(0, 60)), "truncated");
  throwsCode(() => Verifier.fromCompact(Buffer.concat([COMPACT_BUNDLE, Buffer.from([0])])), "trailing_data");
  throwsCode(() => Verifier.fromCompact(COMPACT_CHANGES), "bad_format");
  throwsCode(() => Verifier.fromCompact("not bytes"), "bad_format");
  throwsCode(() => Verifier.fromCompact(Buffer.from("FTB\x02", "latin1")), "unsupported_version");
  verifier.free();
  refreshed.free();
});

test("normalizeCode gives the canonical form or the position of the mistake", () => {
  assert.equal(normalizeCode("0410 6105 0r3g g28a z"), CODE);
  assert.equal(normalizeCode("o4io–6io5—OR3G G28A z"), CODE); // Unicode dashes, I/L/O readings
  assert.equal(normalizeCode("0000000000000010*"), "0000-0000-0000-0010-*");
  throwsCode(() => normalizeCode("0410-6105-0R3G-G2A8-Z"), "bad_check_symbol", 17);
  throwsCode(() => normalizeCode("0410-6105-0R3G-G28A-#"), "bad_symbol", 17);
  throwsCode(() => normalizeCode("04U0-6105-0R3G-G28A-Z"), "bad_symbol", 3);
  throwsCode(() => normalizeCode("0410-6105-0R3G-G28A"), "bad_length");
  throwsCode(() => normalizeCode(""), "empty");
});

test("qrSvg draws the smallest symbol with the options", () => {
  const svg = qrSvg(CODE);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="264" height="264" viewBox="0 0 33 33"/); // version 2: 25 + 2*4
  assert.match(qrSvg(CODE, { scale: 2, margin: 0 }), /width="50" height="50" viewBox="0 0 25 25"/);
  assert.match(qrSvg(CODE, { ecc: "L" }), /viewBox="0 0 29 29"/); // version 1 at L
  assert.match(qrSvg(VECTOR_LINK, { ecc: "m" }), /viewBox="0 0 53 53"/); // version 7-M, the format budget
  throwsCode(() => qrSvg(CODE, { ecc: "X" }), "bad_format");
  throwsCode(() => qrSvg(CODE, { scale: 0 }), "bad_format");
  throwsCode(() => qrSvg(CODE, { margin: 1.5 }), "bad_format");
  throwsCode(() => qrSvg(CODE, "big"), "bad_format");
  throwsCode(() => qrSvg("x".repeat(3000)), "qr_too_long");
});

test("qrPng round-trips through a PNG decoder and the scanner", () => {
  for (const [text, options] of [[VECTOR_LINK, undefined], [CODE, { ecc: "H", scale: 3, margin: 2 }], ["héllo wörld", { scale: 5 }]]) {
    const png = qrPng(text, options);
    assert.ok(png instanceof Uint8Array);
    const image = decodePng(png);
    const margin = options?.margin ?? 4, scale = options?.scale ?? 8;
    assert.equal(image.width % scale, 0);
    assert.equal(image.width, image.height);
    assert.deepEqual(scanRgba(image.data, image.width, image.height), [text]);
    // The quiet zone is white.
    assert.deepEqual([...image.data.subarray(0, 4)], margin ? [255, 255, 255, 255] : [0, 0, 0, 255]);
  }
  assert.ok(qrPng(VECTOR_LINK).length < 4096, "a run-length deflate keeps a token's 424x424 PNG small");
  throwsCode(() => qrPng(CODE, { scale: 33 }), "bad_format");
  throwsCode(() => qrPng(CODE, { margin: 17 }), "bad_format");
  throwsCode(() => qrPng("x".repeat(3000)), "qr_too_long");
});

test("ndefRecords lays out an old-format card, both ways with tokenFromNdef", () => {
  const expected = [
    { recordType: "url", data: `https://mdm.example.com/t/${CODE}` },
    { recordType: "text", encoding: "utf-8", lang: "en", data: CODE },
  ];
  assert.deepEqual(ndefRecords(`HTTPS://MDM.EXAMPLE.COM/T/${CODE.toLowerCase()}`), expected);
  assert.deepEqual(ndefRecords("0410 6105 0r3g g28a z", "https://mdm.example.com/"), expected);
  assert.deepEqual(ndefRecords(CODE, "http://localhost:8080")[0].data, `http://localhost:8080/t/${CODE}`);
  assert.deepEqual(tokenFromNdef(expected), { format: "code", code: CODE });
  throwsCode(() => ndefRecords(CODE), "bad_link");
  throwsCode(() => ndefRecords(CODE, "https://bad host"), "bad_host");
  throwsCode(() => ndefRecords(VECTOR_LINK), "bad_format");
  throwsCode(() => ndefRecords("0410-6105-0R3G-G2A8-Z", "mdm.example.com"), "bad_check_symbol", 17);
});

/** The raw NDEF message of the vectors' card (FORMATS.md, "NDEF record layout"). */
function cardMessage() {
  const uri = Buffer.concat([Buffer.from([0x04]), Buffer.from(`mdm.example.com/t/${CODE}`)]);
  const text = Buffer.concat([Buffer.from([0x02]), Buffer.from("en"), Buffer.from(CODE)]);
  return Buffer.concat([
    Buffer.from([0x91, 1, uri.length]), Buffer.from("U"), uri,
    Buffer.from([0x51, 1, text.length]), Buffer.from("T"), text,
  ]);
}

test("tokenFromNdef reads what NDEFReader gives, and raw messages", () => {
  const encoder = new TextEncoder();
  const view = (s) => new DataView(encoder.encode(s).buffer);
  // NDEFReader's reading event: records with DataView data, inside event.message.
  const message = {
    records: [
      { recordType: "url", mediaType: undefined, id: undefined, data: view(`https://mdm.example.com/t/${CODE}`) },
      { recordType: "text", encoding: "utf-8", lang: "en", data: view(CODE) },
    ],
  };
  assert.deepEqual(tokenFromNdef(message), { format: "code", code: CODE });
  assert.deepEqual(tokenFromNdef(message.records), { format: "code", code: CODE });
  assert.deepEqual(tokenFromNdef([{ recordType: "url", data: VECTOR_LINK }]).token_id, 1001);
  // A UTF-16 text record, as some writers make them.
  const utf16 = Buffer.from("\ufeff" + CODE, "utf16le");
  assert.deepEqual(tokenFromNdef([{ recordType: "text", encoding: "utf-16le", data: utf16 }]).code, CODE);
  assert.deepEqual(tokenFromNdef(new Uint8Array(cardMessage())), { format: "code", code: CODE });
  assert.deepEqual(tokenFromNdef(Uint8Array.from(cardMessage()).buffer), { format: "code", code: CODE });
});

test("tokenFromNdef errors: truncated, mismatched, damaged, empty, malformed", () => {
  const message = cardMessage();
  throwsCode(() => tokenFromNdef(message.subarray(0, message.length - 5)), "truncated");
  throwsCode(() => tokenFromNdef(message.subarray(0, 2)), "truncated");
  throwsCode(() => tokenFromNdef(Buffer.from([0x11, 1, 0, 0x55])), "bad_ndef"); // no MB flag
  throwsCode(() => tokenFromNdef([
    { recordType: "url", data: `https://mdm.example.com/t/${CODE}` },
    { recordType: "text", data: "ZZZZ-ZZZZ-ZZZZ-ZZZZ-~" },
  ]), "ndef_mismatch");
  throwsCode(() => tokenFromNdef([{ recordType: "text", data: "0410-6105-0R3G-G2A8-Z" }]), "bad_check_symbol", 17);
  throwsCode(() => tokenFromNdef([{ recordType: "text", encoding: "utf-16be", data: new Uint8Array([0, 0x41, 0]) }]), "bad_ndef");
  throwsCode(() => tokenFromNdef([{ recordType: "mime", mediaType: "image/png", data: new Uint8Array(3) }]), "no_token");
  throwsCode(() => tokenFromNdef([]), "no_token");
  throwsCode(() => tokenFromNdef("not records"), "bad_ndef");
  throwsCode(() => tokenFromNdef([42]), "bad_ndef");
  throwsCode(() => tokenFromNdef([{ recordType: "text", data: 42 }]), "bad_ndef");
});

test("scanRgba never throws, whatever it is given", () => {
  const junk = [
    [null, 10, 10], [undefined, 0, 0], [42, 1, 1], ["pixels", 30, 30], [{}, 30, 30], [[1, 2, 3], 1, 1],
    [new Uint8Array(0), 0, 0], [new Uint8Array(12), 1, 3], [new Uint8Array(100), 1e9, 1e9], [new Uint8Array(400), -10, -10],
    [new Uint8Array(40 * 40 * 4 + 1), 40, 40], [new Uint8ClampedArray(64 * 48 * 4), 64, 48], [new Float32Array(30 * 30), 30, 30],
  ];
  for (const [data, width, height] of junk) assert.deepEqual(scanRgba(data, width, height), [], String(data));
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  for (const [w, h] of [[21, 21], [99, 37], [200, 150]]) {
    const noise = Uint8Array.from({ length: w * h * 4 }, random);
    assert.ok(Array.isArray(scanRgba(noise, w, h)));
  }
});

test("scanRgba takes Uint8Array, Uint8ClampedArray and views into larger buffers alike", () => {
  const image = decodePng(qrPng(CODE, { scale: 4 }));
  const clamped = new Uint8ClampedArray(image.data);
  const padded = new Uint8Array(image.data.length + 16);
  padded.set(image.data, 8);
  for (const data of [image.data, clamped, padded.subarray(8, 8 + image.data.length)]) {
    assert.deepEqual(scanRgba(data, image.width, image.height), [CODE]);
  }
});
