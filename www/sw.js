// Service worker for the Sotto demo: precaches a fixed list, the app shell, the library and
// the wasm package (cache name versioned by tools/build-dist.mjs, which replaces __BUILD__),
// and serves exactly those URLs from it. It caches nothing else: every other request (the voice
// manifest, shards, any query-string variant) passes through untouched. The library keeps
// voices in its own cache ("sotto-v1"): committed only after the whole voice verified and
// built, and read back for the manifest only when the network is unreachable, so an unverified
// or rolled-back manifest can never be served from here.
const VERSION = '__BUILD__';
const SHELL = `sotto-shell-${VERSION}`;
const PRECACHE = [
  './', './index.html', './app.js', './style.css', './icon.svg', './manifest.webmanifest',
  './sotto.js', './sotto-worker.js', './sotto-pool.js', './sotto-vocoder-worker.js', '../pkg/sotto.js', '../pkg/sotto_bg.wasm',
  '../pkg/sotto-text.bin.gz',
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
  // Only the precached shell, by exact URL: everything else is not ours. A query string is
  // allowed only when navigating to the page (the demo reads ?backend=), which gets the cached
  // page; nothing new is ever stored.
  const key = url.origin + url.pathname;
  if (req.method !== 'GET' || !SHELL_URLS.has(key) || (url.search && req.mode !== 'navigate')) return;
  event.respondWith((async () => {
    const hit = await caches.open(SHELL).then((c) => c.match(key));
    return hit ?? fetch(req); // the shell is immutable per build: cache first, never re-put
  })());
});
