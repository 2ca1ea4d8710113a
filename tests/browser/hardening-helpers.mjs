// Helpers for the hardening tests (cache integrity, origins and CSP, crash recovery, soak):
// a local server whose answers a test can change (HTTP errors, redirects, a dropped
// connection as "offline", a replaced file), and a second version of the real voice.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStaticServer } from '../../tools/serve.mjs';

/**
 * Serves `root` like tools/serve.mjs (options passed on, e.g. securityHeaders) on 127.0.0.1;
 * `override(prefix, handler)` answers every path starting with `prefix` with `handler(req, res)`
 * instead (the latest override that matches wins), until `clear()`. `requests` lists every path asked for.
 */
export async function startControlledServer(root, opts = {}) {
  const requests = [];
  const inner = createStaticServer(root, { ...opts, onRequest: (p) => requests.push(p) });
  const serveFile = inner.listeners('request')[0];
  const overrides = new Map();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    const hit = [...overrides].reverse().find(([prefix]) => path.startsWith(prefix)); // the latest wins
    if (!hit) return serveFile(req, res);
    requests.push(path);
    hit[1](req, res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    override: (prefix, handler) => { overrides.delete(prefix); overrides.set(prefix, handler); },
    clear: () => overrides.clear(),
    close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
  };
}

/** Handlers for `override`. */
export const answer = {
  /** The connection is closed without a response: fetch() fails as it does offline. */
  drop: () => (req) => req.socket.destroy(),
  status: (code) => (req, res) => {
    res.writeHead(code, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
    res.end(`${code}\n`);
  },
  redirect: (location) => (req, res) => {
    res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
    res.end();
  },
  json: (body) => (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  },
};

export const sri = (bytes) => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;

/**
 * Adds version "B" of the built site's voice at /models/<dir>/: the same voice id and weights,
 * but vocoder-00.safetensors re-serialized with 8 bytes of header padding (valid safetensors,
 * different bytes, so a different SHA-256), and the manifest updated to match.
 * Returns the manifest's URL path.
 */
export async function addVoiceVersionB(site, dir = 'joe-b') {
  const from = join(site, 'models/en_US-joe-medium');
  const to = join(site, 'models', dir);
  await cp(from, to, { recursive: true });
  const file = join(to, 'vocoder-00.safetensors');
  const old = await readFile(file);
  const n = Number(old.readBigUInt64LE(0));
  const bytes = Buffer.concat([Buffer.alloc(8), old.subarray(8, 8 + n), Buffer.from(' '.repeat(8)), old.subarray(8 + n)]);
  bytes.writeBigUInt64LE(BigInt(n + 8), 0);
  await writeFile(file, bytes);
  const manifest = JSON.parse(await readFile(join(to, 'manifest.json'), 'utf8'));
  const shard = manifest.shards.find((s) => s.file === 'vocoder-00.safetensors');
  shard.size = bytes.length;
  shard.integrity = sri(bytes);
  await writeFile(join(to, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return `/models/${dir}/manifest.json`;
}

/** The good manifest with the vocoder shard's digest changed: a broken deploy whose shard fails verification. */
export async function brokenManifest(site) {
  const manifest = JSON.parse(await readFile(join(site, 'models/en_US-joe-medium/manifest.json'), 'utf8'));
  manifest.shards.find((s) => s.file === 'vocoder-00.safetensors').integrity = sri(Buffer.from('not the vocoder'));
  return JSON.stringify(manifest);
}
