// Cache integrity (issue 11, finding 6): a voice reaches the Cache API ("sotto-v1") only after
// it verified and built; the cached manifest is used only offline, never after an HTTP error
// or a redirect to another origin (no silent rollback); entries no current manifest
// references are pruned; the demo's service worker caches only its fixed app shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildSite, launch, HELLO, GOOD } from './helpers.mjs';
import { startControlledServer, answer, addVoiceVersionB, brokenManifest } from './hardening-helpers.mjs';

let site, server, other, versionB, broken;

before(async () => {
  site = await buildSite();
  versionB = await addVoiceVersionB(site);
  broken = await brokenManifest(site);
  other = await startControlledServer(site, { headers: { 'Access-Control-Allow-Origin': '*' } });
  server = await startControlledServer(site, {
    securityHeaders: true,
    headers: { 'Content-Security-Policy': `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${other.url}` },
  });
});

after(async () => {
  await server?.close();
  await other?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

async function freshPage() {
  server.clear();
  const browser = await launch();
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/test.html`);
  return { browser, page };
}

/** Loads `manifest` in the page (CPU); resolves to {ok, voiceId, n} or {error}. */
const loadIn = (page, manifest, speak = false) => page.evaluate(async ({ manifest, speak, HELLO }) => {
  const { Sotto } = await import('/www/sotto.js');
  try {
    const tts = await Sotto.load({ manifest, backend: 'cpu' });
    const n = speak ? (await tts.synthesize(HELLO, { phonemes: true })).audio.length : 0;
    tts.dispose();
    return { ok: true, voiceId: tts.voiceId, n };
  } catch (e) {
    return { error: `${e.name}: ${e.message}` };
  }
}, { manifest, speak, HELLO });

/** The `sotto-v1` cache: manifest keys (URL paths) and shard keys (".../<integrity>/<file>"). */
const cacheState = (page) => page.evaluate(async () => {
  const c = await caches.open('sotto-v1');
  const keys = (await c.keys()).map((k) => new URL(k.url).pathname + new URL(k.url).search);
  const manifests = {};
  for (const k of keys.filter((p) => !p.startsWith('/.sotto-cache/'))) {
    const m = await (await c.match(k)).json();
    manifests[k] = Object.fromEntries(m.shards.map((s) => [s.file, s.integrity]));
  }
  // The text data (lexicon, letter-to-sound rules) sits beside the shards under its own key.
  const text = keys.filter((p) => p.startsWith('/.sotto-cache/.text/'));
  return { shards: keys.filter((p) => p.startsWith('/.sotto-cache/') && !text.includes(p)).sort(), manifests, text };
});

test('a broken deploy does not replace the cached good voice, and a later offline load still works', async () => {
  const { browser, page } = await freshPage();
  try {
    assert.ok((await loadIn(page, GOOD)).ok);
    const good = await cacheState(page);
    // The server now sends a manifest whose vocoder digest no longer matches its shard.
    server.override(GOOD, answer.json(broken));
    const r = await loadIn(page, GOOD);
    console.log(`broken deploy: ${r.error}`);
    assert.match(r.error ?? '', /vocoder-00\.safetensors/, 'the broken voice is refused');
    assert.deepEqual(await cacheState(page), good, 'the cache still holds exactly the good voice');
    // Offline (every request for the voice fails at the network level): the good voice loads from the cache.
    server.override('/models/', answer.drop());
    const offline = await loadIn(page, GOOD, true);
    assert.ok(offline.ok, `offline load: ${offline.error}`);
    assert.ok(offline.n > 10_000, 'and speaks');
  } finally {
    await browser.close();
  }
});

test('an HTTP error or a cross-origin redirect for the manifest is an error, not a rollback to the cache', async () => {
  const { browser, page } = await freshPage();
  try {
    assert.ok((await loadIn(page, GOOD)).ok);
    const cases = [
      ['HTTP 404', answer.status(404), /HTTP 404/],
      ['HTTP 500', answer.status(500), /HTTP 500/],
      // To an origin that allows CORS (the fetch follows it) and to one that does not (it fails like a network error).
      ['redirect (CORS)', answer.redirect(`${other.url}${GOOD}`), /another origin/],
      ['redirect (no CORS)', answer.redirect(`${server.url.replace('127.0.0.1', 'localhost')}${GOOD}`), /redirect/],
    ];
    for (const [name, handler, expect] of cases) {
      server.override(GOOD, handler);
      const r = await loadIn(page, GOOD);
      console.log(`${name}: ${r.error ?? 'loaded (rolled back to the cache)'}`);
      assert.match(r.error ?? '', expect, name);
    }
    server.override('/models/', answer.drop());
    assert.ok((await loadIn(page, GOOD)).ok, 'offline, the cached voice still loads');
  } finally {
    await browser.close();
  }
});

test('after loading voice version B, version A\'s unused shards and manifest are pruned from sotto-v1', async () => {
  const { browser, page } = await freshPage();
  try {
    assert.ok((await loadIn(page, GOOD)).ok);
    const a = await cacheState(page);
    assert.deepEqual(Object.keys(a.manifests), [GOOD]);
    const nShards = Object.keys(a.manifests[GOOD]).length;
    assert.ok(nShards >= 2, 'a voice of at least one acoustic and one vocoder shard');
    assert.equal(a.shards.length, nShards);
    assert.equal(a.text.length, 1, 'the verified text data is cached once');
    const b = await loadIn(page, versionB, true);
    assert.ok(b.ok && b.n > 10_000, `version B: ${b.error}`);
    const after = await cacheState(page);
    console.log(`after B: manifests ${Object.keys(after.manifests)}; shards ${after.shards.length}`);
    assert.deepEqual(Object.keys(after.manifests), [versionB], 'only the current manifest of the voice');
    const want = Object.entries(after.manifests[versionB])
      .map(([file, integrity]) => `/.sotto-cache/en_US-joe-medium/${encodeURIComponent(integrity)}/${file}`).sort();
    assert.deepEqual(after.shards, want, 'exactly the shards B references');
    assert.deepEqual(after.text, a.text, 'pruning a voice leaves the text data alone');
    const aVocoder = a.shards.find((k) => k.endsWith('/vocoder-00.safetensors'));
    assert.ok(!after.shards.includes(aVocoder), 'A\'s vocoder shard is gone');
    assert.equal(after.shards.filter((k) => a.shards.includes(k)).length, nShards - 1, 'shared shards were kept (not downloaded again)');
  } finally {
    await browser.close();
  }
});

/** Loads GOOD and reads text (so the lexicon is used); resolves to {ok, n} or {error}. */
const loadAndRead = (page) => page.evaluate(async ({ manifest }) => {
  const { Sotto } = await import('/www/sotto.js');
  try {
    const tts = await Sotto.load({ manifest, backend: 'cpu' });
    const n = (await tts.synthesize('Hello world.')).audio.length;
    tts.dispose();
    return { ok: true, n };
  } catch (e) {
    return { error: `${e.name}: ${e.message}` };
  }
}, { manifest: GOOD });

test('the text data (lexicon, letter-to-sound rules) is verified before use and cached only after', async () => {
  const { browser, page } = await freshPage();
  const TEXT = '/pkg/sotto-text.bin.gz';
  try {
    const real = await readFile(join(site, TEXT));
    const tampered = gunzipSync(real);
    tampered[1000] ^= 1; // one letter of one lexicon entry
    const send = (body, headers = {}) => (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Cache-Control': 'no-store', ...headers });
      res.end(body);
    };
    server.override(TEXT, send(gzipSync(tampered)));
    const bad = await loadAndRead(page);
    console.log(`tampered text data: ${bad.error}`);
    assert.match(bad.error ?? '', /^TextError: (Sotto: )?invalid pronunciation data: SHA-256 mismatch/);
    assert.deepEqual((await cacheState(page)).text, [], 'refused text data is not cached');
    // Sent with Content-Encoding: gzip, fetch hands over the decoded bytes: taken as they are.
    server.override(TEXT, send(real, { 'Content-Encoding': 'gzip' }));
    const ok = await loadAndRead(page);
    assert.ok(ok.ok && ok.n > 10_000, `real text data: ${ok.error}`);
    assert.equal((await cacheState(page)).text.length, 1, 'cached once it verified');
    // A new worker (a new page) without the network for the text data: read from the cache.
    server.override(TEXT, answer.drop());
    const page2 = await browser.context.newPage();
    await page2.goto(`${server.url}/test.html`);
    const offline = await loadAndRead(page2);
    assert.ok(offline.ok && offline.n > 10_000, `text data from the cache: ${offline.error}`);
  } finally {
    await browser.close();
  }
});

test('the service worker caches only its fixed app shell', async () => {
  const { browser, page } = await freshPage();
  try {
    await page.goto(`${server.url}/www/`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    // Now controlled; a navigation with a query string gets the cached page, and is not stored.
    await page.goto(`${server.url}/www/?backend=cpu`);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 120_000 });
    const r = await page.evaluate(async () => {
      const controlled = Boolean(navigator.serviceWorker.controller);
      // Same-origin GETs that are not the shell, and query-string variants of shell files.
      for (const u of ['../models/en_US-joe-medium/manifest.json?v=2', './app.js?x=1', './sotto.js?cachebust=3',
        '../test.html', '../test.html?q=1']) await fetch(u).then((r) => r.arrayBuffer());
      const names = await caches.keys();
      const shell = names.find((n) => n.startsWith('sotto-shell-'));
      const keys = (await (await caches.open(shell)).keys()).map((k) => new URL(k.url).pathname + new URL(k.url).search);
      return { controlled, names, keys: keys.sort() };
    });
    console.log(`service worker caches: ${r.names.join(', ')}; shell: ${r.keys.length} entries`);
    assert.ok(r.controlled);
    assert.deepEqual(r.names.sort(), ['sotto-v1', r.names.find((n) => n.startsWith('sotto-shell-'))].sort());
    assert.deepEqual(r.keys, ['/pkg/sotto-text.bin.gz', '/pkg/sotto.js', '/pkg/sotto_bg.wasm', '/www/', '/www/app.js', '/www/icon.svg',
      '/www/index.html', '/www/manifest.webmanifest', '/www/sotto-pool.js', '/www/sotto-vocoder-worker.js',
      '/www/sotto-worker.js', '/www/sotto.js', '/www/style.css']);
  } finally {
    await browser.close();
  }
});
