#!/usr/bin/env node
// Assembles the demo site:  node tools/build-dist.mjs OUT [VOICE_DIR]
//   OUT/index.html          -> redirects to www/
//   OUT/www/                 the demo page, the library and the service worker
//   OUT/pkg/                 the wasm-bindgen package (run `npm run build:wasm` first)
//   OUT/models/<voice_id>/   the converted voice (default voices/en_US-joe-medium)
// The layout mirrors the npm package (www/ beside pkg/), so the library's relative URLs
// (`../pkg/sotto.js` from the worker) are the same in both.
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildDist(out, voiceDir = join(repo, 'voices/en_US-joe-medium'), pkgDir = join(repo, 'pkg')) {
  out = resolve(out);
  for (const need of ['sotto.js', 'sotto_bg.wasm', 'sotto-text.bin.gz']) {
    if (!existsSync(join(pkgDir, need))) throw new Error(`${join(pkgDir, need)} is missing: run npm run build:wasm`);
  }
  // OUT is emptied first: refuse anything that is not a fresh dir or an earlier build.
  if (out === repo || repo.startsWith(out + sep)) throw new Error(`refusing to build into ${out} (contains the repo)`);
  if (existsSync(out) && (await readdir(out)).length && !existsSync(join(out, 'www', 'sw.js'))) {
    throw new Error(`refusing to empty ${out}: not an earlier dist build`);
  }
  const manifest = JSON.parse(await readFile(join(voiceDir, 'manifest.json'), 'utf8'));
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'pkg'), { recursive: true });

  await cp(join(repo, 'www'), join(out, 'www'), { recursive: true });
  for (const f of ['sotto.js', 'sotto_bg.wasm', 'sotto-text.bin.gz', 'sotto.d.ts']) {
    if (existsSync(join(pkgDir, f))) await cp(join(pkgDir, f), join(out, 'pkg', f));
  }
  const models = join(out, 'models', manifest.voice_id);
  await mkdir(models, { recursive: true });
  await cp(join(voiceDir, 'manifest.json'), join(models, 'manifest.json'));
  for (const s of manifest.shards) await cp(join(voiceDir, s.file), join(models, s.file));

  // Stamp the service worker's cache name with a hash of everything it precaches, so a
  // changed build replaces the old cache instead of serving stale files.
  const hash = createHash('sha256');
  for (const dir of ['www', 'pkg']) {
    for (const f of (await readdir(join(out, dir))).sort()) hash.update(f).update(await readFile(join(out, dir, f)));
  }
  const swPath = join(out, 'www', 'sw.js');
  const sw = await readFile(swPath, 'utf8');
  await writeFile(swPath, sw.replace("'__BUILD__'", `'${hash.digest('hex').slice(0, 12)}'`));

  await writeFile(
    join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=www/">' +
      '<title>Sotto</title><a href="www/">Sotto demo</a>\n',
  );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [out = 'dist', voice] = process.argv.slice(2);
  console.log(`built ${await buildDist(out, voice && resolve(voice))}`);
}
