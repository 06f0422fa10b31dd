// fieldtoken's service worker: the app shell and the hashed build, precached under a versioned cache, so
// the PWA starts with no network at all. API calls are never cached here: the app keeps its own offline
// data (bundle and queue) in IndexedDB, where it can tell fresh from stale.

// Filled in by `cargo xtask precache` at build time (Trunk post-build hook).
const VERSION = "dev";
const PRECACHE = [];

const CACHE = `fieldtoken-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)));
      // The first install takes over at once: there is no older version for the page to disagree with.
      await self.clients.claim();
    })(),
  );
});

// A new version waits until the user agrees to reload (the page posts this message).
self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (request.mode === "navigate" && (url.pathname === "/admin" || url.pathname.startsWith("/admin/"))) {
    // The admin's app is another build, not precached: it needs the MDM anyway. Offline, the operator's
    // shell answers, and its /admin route says the admin pages need the network.
    event.respondWith(fetch(request).catch(() => caches.match("/index.html")));
    return;
  }
  if (request.mode === "navigate") {
    // Every operator route is the same shell; the network is only a fallback for a worker without cache.
    event.respondWith(caches.match("/index.html").then((cached) => cached || fetch(request)));
    return;
  }
  event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
});

// Background Sync: the page registers the tag "fieldtoken-queue" whenever redemptions wait, and the browser
// fires it when the network is back, even with the app closed. With the queue's screen open, that screen syncs;
// otherwise the worker sends the waiting redemptions itself, exactly as the page would:
// an item leaves "waiting" only once the MDM's answer is written back, and the MDM's idempotency turns any
// resend into "duplicate".
self.addEventListener("sync", (event) => {
  if (event.tag === "fieldtoken-queue") event.waitUntil(syncQueue());
});

// One sender at a time, the page included (it holds the same Web Lock, see store.rs `with_queue_lock`): two
// senders would send the same waiting items, and the second answer, "duplicate", would hide the first.
function syncQueue() {
  return self.navigator.locks ? self.navigator.locks.request("fieldtoken-queue", sendQueue) : sendQueue();
}

async function sendQueue() {
  // The screens that show the queue (the token screen and deep links) sync it themselves when asked.
  const screens = (await self.clients.matchAll({ type: "window" })).filter((client) =>
    /^\/(t\/.*|T\/.*)?$/.test(new URL(client.url).pathname),
  );
  if (screens.length > 0) {
    for (const client of screens) client.postMessage({ type: "fieldtoken-sync" });
    return;
  }
  const db = await openQueueDb();
  try {
    const waiting = (await readAll(db, "queue"))
      .map((text) => JSON.parse(text))
      .filter((item) => (item.state?.status ?? "waiting") === "waiting");
    if (waiting.length === 0) return;
    const session = await readOne(db, "bundle", "session");
    // Without a session the page carries the queue, signing with the device key, which this worker never reads.
    if (!session) return;
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    headers.Authorization = `Bearer ${session}`;
    for (let start = 0; start < waiting.length; start += 1000) {
      const batch = waiting.slice(start, start + 1000);
      const body = JSON.stringify({
        redemptions: batch.map(({ id, token, device_id, scanned_at }) => ({ id, token, device_id, scanned_at })),
      });
      const response = await fetch("/api/v1/sync", { method: "POST", headers, body });
      // Throwing makes the browser retry the sync later with its own back-off.
      if (!response.ok) throw new Error(`the MDM answered ${response.status}`);
      const { results } = await response.json();
      const byId = new Map(batch.map((item) => [item.id, item]));
      const answered = [];
      for (const { id, status, reason } of results) {
        const item = byId.get(id);
        if (!item || !["applied", "duplicate", "superseded", "rejected"].includes(status)) continue;
        const state = status === "rejected" ? { status, reason: reason ?? null } : { status };
        answered.push([id, JSON.stringify({ ...item, state })]);
      }
      await writeAll(db, "queue", answered);
    }
  } finally {
    db.close();
  }
}

/** The page's IndexedDB database (see src/operator/store.rs): version 1 has the stores "bundle" and "queue". */
function openQueueDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("fieldtoken", 1);
    open.onupgradeneeded = () => {
      for (const name of ["bundle", "queue"]) {
        if (!open.result.objectStoreNames.contains(name)) open.result.createObjectStore(name);
      }
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

function readAll(db, store) {
  return new Promise((resolve, reject) => {
    const request = db.transaction(store).objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function readOne(db, store, key) {
  return new Promise((resolve, reject) => {
    const request = db.transaction(store).objectStore(store).get(key);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Writes the MDM's answers over items that still wait (the page may have answered one meanwhile: its answer
 * stands); resolves once the transaction is committed, like the page's writes.
 */
function writeAll(db, store, entries) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, "readwrite");
    const items = tx.objectStore(store);
    for (const [key, text] of entries) {
      const current = items.get(key);
      current.onsuccess = () => {
        const state = current.result ? JSON.parse(current.result).state?.status ?? "waiting" : null;
        if (state === "waiting") items.put(text, key);
      };
    }
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}
