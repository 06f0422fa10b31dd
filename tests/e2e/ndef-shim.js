// A stand-in for the NFC hardware this machine lacks (installed with `context.addInitScript` by nfc.test.mjs).
// Chromium, started with --enable-blink-features=WebNFC, has Web NFC's real interfaces but no NFC adapter, so its
// own NDEFReader refuses to scan. This shim replaces only `NDEFReader`: `scan()` listens, `write()` waits for a card
// and records the message the app wrote. The test drives it through `window.__ndef`:
//   place(serialNumber) - a blank card is placed: the pending write goes onto it; returns the message written;
//   read(init)          - a card is read: dispatches a real `NDEFReadingEvent` (Chromium's own constructor, which
//                         turns the records' data into DataViews) to every scanning reader; returns how many;
//   unreadable()        - a card the phone cannot read: a `readingerror` event;
//   written, vibrations - what the app wrote and each `navigator.vibrate` pattern.
(() => {
  const scanning = new Set();
  const writes = [];
  const ndef = { written: [], vibrations: [] };

  const aborted = () => new DOMException("The operation was aborted.", "AbortError");
  const onAbort = (signal, then) => signal?.addEventListener("abort", then, { once: true });
  const fire = (reader, event) => {
    reader.dispatchEvent(event);
    reader[`on${event.type}`]?.call(reader, event);
  };

  class NDEFReader extends EventTarget {
    onreading = null;
    onreadingerror = null;

    scan(options = {}) {
      if (options.signal?.aborted) return Promise.reject(aborted());
      scanning.add(this);
      onAbort(options.signal, () => scanning.delete(this));
      return Promise.resolve();
    }

    write(message, options = {}) {
      if (options.signal?.aborted) return Promise.reject(aborted());
      // A copy as plain data, as the app gave it (strings stay strings).
      const copy = JSON.parse(JSON.stringify(typeof message === "string" ? { records: [{ recordType: "text", data: message }] } : message));
      return new Promise((resolve, reject) => {
        const pending = { copy, resolve };
        writes.push(pending);
        onAbort(options.signal, () => {
          const i = writes.indexOf(pending);
          if (i >= 0) writes.splice(i, 1);
          reject(aborted());
        });
      });
    }
  }

  ndef.place = (serialNumber = "04:a2:19:7c:33:5e:80") => {
    const pending = writes.shift();
    if (!pending) return null;
    ndef.written.push({ serialNumber, message: pending.copy });
    pending.resolve();
    return pending.copy;
  };
  ndef.read = (init) => {
    for (const reader of scanning) fire(reader, new NDEFReadingEvent("reading", init));
    return scanning.size;
  };
  ndef.unreadable = () => {
    for (const reader of scanning) fire(reader, new Event("readingerror"));
    return scanning.size;
  };

  Object.defineProperty(window, "NDEFReader", { value: NDEFReader, configurable: true, writable: true });
  Object.defineProperty(window, "__ndef", { value: ndef });
  navigator.vibrate = (pattern) => (ndef.vibrations.push(pattern), true);
})();
