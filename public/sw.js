// Sluice's service worker: keeps the app shell only, for starting offline.
//
// Cached: the bundle under /pkg/ (JavaScript, WebAssembly, CSS), the icons, the manifest and
// the static offline page. Never cached: anything under /api/ (server functions, exports,
// streams), shared links under /s/, event streams, any non-GET request, and HTML pages (they
// hold the reader's chats): page loads always go to the network, and only when the network
// fails is the static offline page shown.
//
// Shell files are fetched from the network first (so a new release is picked up at once)
// and the cached copy is used only when the network fails.

const CACHE = 'sluice-shell-v1';
const OFFLINE_PAGE = '/offline.html';
const PRECACHE = [
  OFFLINE_PAGE,
  '/pkg/sluice.css',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];

/** Whether a same-origin path belongs to the app shell. */
function isShell(path) {
  return (
    path.startsWith('/pkg/') ||
    path.startsWith('/icons/') ||
    path === '/manifest.webmanifest' ||
    path === OFFLINE_PAGE
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)))),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/s/')) return;
  if ((request.headers.get('accept') || '').includes('text/event-stream')) return;

  if (request.mode === 'navigate') {
    // Pages are never stored; the offline page stands in only when the network fails.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_PAGE)));
    return;
  }
  if (!isShell(url.pathname)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && response.type === 'basic') {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(() => caches.match(request).then((cached) => cached || Response.error())),
  );
});
