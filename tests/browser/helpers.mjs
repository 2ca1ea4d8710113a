// Shared setup for the browser tests: the demo site in a temp dir, a local server, Chromium
// (system /usr/bin/chromium via playwright-core; Firefox: tools/firefox.mjs) and the native
// reference audio.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, open, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../../tools/build-dist.mjs';
import { serve } from '../../tools/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from '../../tools/chromium.mjs';
import { FIREFOX } from '../../tools/firefox.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const VOICE_DIR = join(REPO, 'voices/en_US-joe-medium');
// SOTTO_PKG_DIR overrides the wasm package used for the site (default: the repo's pkg/).
export const PKG_DIR = process.env.SOTTO_PKG_DIR ?? join(REPO, 'pkg');
export { CHROMIUM };
export const HELLO = 'həlˈoʊ wˈɜːld.';
/** Text whose normalization expands "$79.99" and "Jan. 3rd"; "é" is one UTF-16 unit, not ASCII. */
export const CAFE = 'Café costs $79.99 on Jan. 3rd.';
/** The voice's manifest in a built site, and a copy whose vocoder shard has one byte flipped. */
export const GOOD = '/models/en_US-joe-medium/manifest.json';
export const BAD = '/models/tampered/manifest.json';


/** Fails with a clear message when something the tests need has not been built. */
export function requireBuilt() {
  const missing = [
    [join(PKG_DIR, 'sotto_bg.wasm'), 'run `npm run build:wasm`'],
    [join(PKG_DIR, 'sotto-text.bin.gz'), 'run `npm run build:wasm`'],
    [join(VOICE_DIR, 'manifest.json'), 'run models/fetch-voice.sh'],
    [CHROMIUM, 'apt-get install -y chromium'],
    [FIREFOX, 'apt-get install -y firefox-esr'],
  ].filter(([p]) => !existsSync(p));
  if (missing.length) throw new Error(`missing: ${missing.map(([p, how]) => `${p} (${how})`).join(', ')}`);
}

/** Builds the demo site into a fresh temp dir, plus a blank same-origin /test.html. */
export async function buildSite() {
  requireBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'sotto-site-'));
  await buildDist(dir, VOICE_DIR, PKG_DIR);
  await writeFile(join(dir, 'test.html'), '<!doctype html><meta charset="utf-8"><title>sotto test</title>\n');
  return dir;
}

/** Adds BAD to a built site: the voice with one byte flipped in the vocoder (same manifest, same hashes). */
export async function addTamperedVoice(site) {
  await cp(join(site, 'models/en_US-joe-medium'), join(site, 'models/tampered'), { recursive: true });
  const f = await open(join(site, 'models/tampered/vocoder-00.safetensors'), 'r+');
  const b = Buffer.alloc(1);
  await f.read(b, 0, 1, 4096);
  b[0] ^= 0x01;
  await f.write(b, 0, 1, 4096);
  await f.close();
}

/** Serves `root` (a directory or [prefix, dir] mounts) on 127.0.0.1; `requests` lists every path asked for. */
export async function startServer(root) {
  const requests = [];
  const { server, url } = await serve(root, 0, { onRequest: (p) => requests.push(p) });
  return {
    url,
    requests,
    close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
  };
}

/** A fresh Chromium profile (persistent context in a temp dir, removed by close()). */
export async function launch({ webgpu = false } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'sotto-chromium-'));
  const args = [...CHROMIUM_ARGS, ...(webgpu ? WEBGPU_ARGS : [])];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args, viewport: { width: 900, height: 820 },
  });
  const logs = [];
  context.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  return {
    context,
    logs,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Audio from the native CLI (raw little-endian f32), the parity reference. */
export async function nativeReference(phonemes, dir) {
  // SOTTO_BIN: the native CLI when the cargo target dir is elsewhere (CI keeps it outside).
  const bin = process.env.SOTTO_BIN || join(REPO, 'target/release/sotto');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build --release`);
  const out = join(dir, 'ref.f32');
  execFileSync(bin, ['speak', '--voice', VOICE_DIR, '--phonemes', phonemes, '--noise-scale', '0',
    '--noise-w', '0', '--out', out]);
  const buf = await readFile(out);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
}

/** Audio of `text` from the native CLI with `args` (e.g. `--seed 5`): raw little-endian f32. */
export async function nativeText(text, dir, args = []) {
  const bin = process.env.SOTTO_BIN || join(REPO, 'target/release/sotto');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build --release`);
  const out = join(dir, 'ref-text.f32');
  execFileSync(bin, ['speak', '--voice', VOICE_DIR, '--text', text, ...args, '--out', out]);
  const buf = await readFile(out);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
}

/** Signal-to-noise ratio of `x` against reference `ref`, in dB. */
export function snrDb(ref, x) {
  let s = 0;
  let n = 0;
  for (let i = 0; i < Math.min(ref.length, x.length); i++) {
    s += ref[i] * ref[i];
    n += (ref[i] - x[i]) ** 2;
  }
  return n === 0 ? Infinity : 10 * Math.log10(s / n);
}

export function rms(x) {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

/** Float32Array <-> base64, to move audio out of page.evaluate compactly. */
export function fromBase64F32(b64) {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** In-page helper source: defines window.f32ToBase64 (used by page.evaluate callers). */
export const PAGE_HELPERS = `
window.f32ToBase64 = (f) => {
  const b = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};`;
