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
