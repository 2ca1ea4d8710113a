// The npm package in real apps: `npm pack`, install the tarball into the example apps (Vite,
// webpack 5; exact versions from their lockfiles), build them with no bundler configuration,
// serve on 127.0.0.1 and synthesize in headless Chromium and Firefox ESR. Each test and failure
// names its bundler (and browser).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO, VOICE_DIR, requireBuilt, startServer, launch } from '../browser/helpers.mjs';
import { launchFirefox } from '../../tools/firefox.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const VOICE_PATH = '/models/en_US-joe-medium/';
let dir, tarball, chromium, firefox;

const npm = (args, cwd) => execFileSync('npm', ['--no-audit', '--no-fund', ...args],
  { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(async () => {
  requireBuilt();
  dir = await mkdtemp(join(tmpdir(), 'sotto-apps-'));
  tarball = join(dir, JSON.parse(npm(['pack', '--json', '--pack-destination', dir], REPO))[0].filename);
  chromium = await launch();
  firefox = await launchFirefox();
});

after(async () => {
  await chromium?.close();
  await firefox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh copy of tests/apps/NAME with its locked dependencies, the tarball and main.js at `entry`. */
async function setUp(name, entry) {
  const app = join(dir, name);
  await cp(join(HERE, name), app, { recursive: true, filter: (p) => !/[/\\](node_modules|dist)$/.test(p) });
  npm(['ci', '--prefer-offline'], app);
  npm(['install', '--no-save', '--prefer-offline', tarball], app);
  await mkdir(join(app, dirname(entry)), { recursive: true });
  await cp(join(HERE, 'main.js'), join(app, entry));
  return app;
}

/** Opens `url` in Chromium and in Firefox and checks what the app's main.js reported. */
async function runApp(bundler, url) {
  for (const [name, newPage] of [['Chromium', () => chromium.context.newPage()], ['Firefox', () => firefox.newPage()]]) {
    const what = `${bundler} in ${name}`;
    const page = await newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(url);
      // Polled in the page: the same call in playwright-core and puppeteer-core.
      const result = await page.evaluate(() => new Promise((resolve) => {
        const poll = setInterval(() => { if (window.result) { clearInterval(poll); resolve(window.result); } }, 100);
        setTimeout(() => resolve({ error: 'no result within 180 s' }), 180_000);
      }));
      console.log(`${what}: ${JSON.stringify(result)}`);
      assert.equal(result.error, undefined, `${what}: the app failed: ${result.error}`);
      assert.deepEqual(errors, [], `${what}: page errors`);
      assert.equal(result.backend, 'cpu', `${what}: backend`);
      assert.equal(result.workers, 2, `${what}: the vocoder pool started (its worker was bundled)`);
      assert.equal(result.sampleRate, 22050, `${what}: sample rate`);
      assert.ok(result.samples > 22050 && result.peak > 0.05, `${what}: audible speech`);
      assert.ok(result.phases.includes('verify'), `${what}: shards verified`);
    } finally {
      await page.close();
    }
  }
}

/** Files under `root` (relative paths). */
async function listFiles(root) {
  return (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

/** Serves a production build (`root`, output in `out`) with the voice, runs the app, checks the wasm. */
async function checkBuild(bundler, root, out) {
  const wasm = (await listFiles(out)).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `${bundler}: the build emits the wasm (found ${wasm.join(', ') || 'none'})`);
  // The text data (lexicon, letter-to-sound rules) is an asset beside it, under a hashed name.
  const text = (await listFiles(out)).filter((f) => f.endsWith('.gz'));
  assert.equal(text.length, 1, `${bundler}: the build emits the text data (found ${text.join(', ') || 'none'})`);
  const server = await startServer([[VOICE_PATH, VOICE_DIR], ['/', root]]);
  try {
    await runApp(bundler, `${server.url}/index.html`);
    assert.ok(server.requests.some((p) => p.endsWith(`/${wasm[0].split('/').pop()}`)), `${bundler}: the emitted wasm is the one loaded`);
    assert.ok(server.requests.some((p) => p.endsWith(`/${text[0].split('/').pop()}`)), `${bundler}: the emitted text data is the one loaded`);
  } finally {
    await server.close();
  }
}

let viteApp; // set up once, for the build and the dev server
const setUpVite = () => (viteApp ??= setUp('vite', 'src/main.js'));

test('Vite: production build, served statically, synthesizes', async () => {
  const app = await setUpVite();
  npm(['run', 'build'], app);
  await checkBuild('Vite build', join(app, 'dist'), join(app, 'dist'));
});

test('Vite: dev server synthesizes', async () => {
  const app = await setUpVite();
  await mkdir(join(app, 'public/models'), { recursive: true });
  await symlink(VOICE_DIR, join(app, 'public/models/en_US-joe-medium'));
  const port = await freePort();
  const vite = spawn(process.execPath, [join(app, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port',
    String(port), '--strictPort'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  let out = '';
  vite.stdout.on('data', (d) => { out += d; });
  vite.stderr.on('data', (d) => { out += d; });
  try {
    // Ready when it answers over HTTP (its banner may be coloured or worded differently).
    await waitForHttp(`http://127.0.0.1:${port}/`, 60_000, () => `Vite dev: the server did not start:\n${out}`);
    await runApp('Vite dev', `http://127.0.0.1:${port}/`);
  } finally {
    vite.kill();
  }
});

test('webpack 5: production build synthesizes', async () => {
  const app = await setUp('webpack', 'src/index.js');
  npm(['run', 'build'], app);
  await checkBuild('webpack', app, join(app, 'dist'));
});

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitForHttp(url, ms, message) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not listening yet */ }
    if (Date.now() > end) throw new Error(message());
    await new Promise((r) => setTimeout(r, 200));
  }
}
