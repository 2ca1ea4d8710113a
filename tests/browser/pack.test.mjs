// The npm package: `npm pack` (exactly the files a package needs, licences included), install
// the tarball into a bare example app, import `sotto` through an import map from node_modules (no
// bundler) and synthesize. With bundlers: tests/apps/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, VOICE_DIR, requireBuilt, startServer, launch, HELLO } from './helpers.mjs';

let dir, server, browser;

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('(g) npm pack -> install -> import map -> synthesize', async () => {
  requireBuilt();
  dir = await mkdtemp(join(tmpdir(), 'sotto-pack-'));
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], REPO))[0];
  const files = packed.files.map((f) => f.path).sort();
  console.log(`packed ${packed.filename}: ${files.length} files, ${packed.size} bytes (${files.join(', ')})`);
  assert.deepEqual(files, ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'package.json', 'pkg/sotto-text.bin.gz',
    'pkg/sotto.d.ts', 'pkg/sotto.js', 'pkg/sotto_bg.wasm', 'www/README.md', 'www/sotto-pool.js',
    'www/sotto-vocoder-worker.js', 'www/sotto-worker.js', 'www/sotto.d.ts', 'www/sotto.js'],
  'the package holds the library, the engine, the types and the licence texts, nothing else');

  const app = join(dir, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'sotto-example', private: true, type: 'module' }));
  npm(['install', '--no-audit', '--no-fund', '--offline', join(dir, packed.filename)], app);
  const pkgJson = JSON.parse(await readFile(join(app, 'node_modules/sotto/package.json'), 'utf8'));
  assert.equal(pkgJson.exports['.'].default, './www/sotto.js');

  await mkdir(join(app, 'models'));
  await cp(VOICE_DIR, join(app, 'models/en_US-joe-medium'), { recursive: true });
  await writeFile(join(app, 'index.html'), `<!doctype html>
<meta charset="utf-8"><title>sotto example</title>
<script type="importmap">{ "imports": { "sotto": "./node_modules/sotto/www/sotto.js" } }</script>
<script type="module" src="./main.js"></script>
`);
  await writeFile(join(app, 'main.js'), `import { Sotto } from 'sotto';
try {
  const tts = await Sotto.load({ manifest: './models/en_US-joe-medium/manifest.json', backend: 'cpu' });
  const { audio, sampleRate } = await tts.synthesize(${JSON.stringify(HELLO)}, { phonemes: true });
  let peak = 0;
  for (const v of audio) peak = Math.max(peak, Math.abs(v));
  window.result = { samples: audio.length, sampleRate, peak, backend: tts.backend };
} catch (e) {
  window.result = { error: e.message };
}
`);
  server = await startServer(app);
  browser = await launch();
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/index.html`);
  const result = await (await page.waitForFunction(() => window.result, null, { timeout: 120_000 })).jsonValue();
  console.log(`example app: ${JSON.stringify(result)}`);
  assert.equal(result.error, undefined);
  assert.equal(result.sampleRate, 22050);
  assert.ok(result.samples > 10000 && result.peak > 0.05);
});
