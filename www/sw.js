// Service worker for the Sotto demo: precaches the app shell, the library and the wasm
// package (cache name versioned by tools/build-dist.mjs, which replaces __BUILD__), and keeps
// other same-origin GETs (the voice manifest) network-first with a cached fallback.
// Model shards (*.safetensors) pass through: the library keeps verified shards in its own
// cache ("sotto-v1"), keyed by SHA-256, so storing them here too would double the storage.
const VERSION = '__BUILD__';
const SHELL = `sotto-shell-${VERSION}`;
const PRECACHE = [
  './', './index.html', './app.js', './style.css', './icon.svg', './manifest.webmanifest',
  './sotto.js', './sotto-worker.js', '../pkg/sotto.js', '../pkg/sotto_bg.wasm',
];

const SHELL_URLS = new Set(PRECACHE.map((p) => new URL(p, self.location.href).href));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('sotto-shell-') && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.endsWith('.safetensors') || url.pathname.startsWith('/.sotto-cache/')) return;
  event.respondWith((async () => {
    const cache = await caches.open(SHELL);
    if (SHELL_URLS.has(url.origin + url.pathname)) {
      const hit = await cache.match(req, { ignoreSearch: true });
      if (hit) return hit; // the shell is immutable per build: cache first
    }
    try { // anything else: network first, so a new voice manifest is picked up
      const res = await fetch(req);
      if (res.ok) await cache.put(req, res.clone());
      return res;
    } catch (err) {
      const stale = await cache.match(req);
      if (stale) return stale;
      throw err;
    }
  })());
});
