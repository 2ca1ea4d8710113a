#!/usr/bin/env node
// Assembles the demo site:  node tools/build-dist.mjs OUT [VOICE_DIR]
//   OUT/index.html          -> redirects to www/
//   OUT/www/                 the demo page, the library and the service worker
//   OUT/pkg/                 the wasm-bindgen package (run `npm run build:wasm` first)
//   OUT/models/<voice_id>/   the converted voice (default voices/en_US-joe-medium), then any other
//                            converted voices found beside it (voices/*/manifest.json)
//   OUT/models/catalog.json  the voice catalog listing them, the default voice first (models/README.md)
// The layout mirrors the npm package (www/ beside pkg/), so the library's relative URLs
// (`../pkg/sotto.js` from the worker) are the same in both.
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildDist(out, voiceDir = join(repo, 'voices/en_US-joe-medium'), pkgDir = join(repo, 'pkg'),
  { extraVoices = [] } = {}) {
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
  const entries = [];
  for (const dir of [voiceDir, ...extraVoices]) {
    const entry = await copyVoice(dir, join(out, 'models'));
    if (entry && !entries.some((e) => e.id === entry.id)) entries.push(entry);
  }
  await writeFile(join(out, 'models', 'catalog.json'), `${JSON.stringify({ format_version: 1, voices: entries }, null, 2)}\n`);

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

/**
 * Copies a converted voice to MODELS/<voice_id>/ and returns its catalog entry (the same entry
 * `sotto catalog` writes; the engine validates the catalog when a page reads it). A voice whose
 * id names no quality preset is copied but not listed.
 */
async function copyVoice(dir, models) {
  const bytes = await readFile(join(dir, 'manifest.json'));
  const m = JSON.parse(bytes.toString('utf8'));
  await mkdir(join(models, m.voice_id), { recursive: true });
  await cp(join(dir, 'manifest.json'), join(models, m.voice_id, 'manifest.json'));
  for (const s of m.shards) await cp(join(dir, s.file), join(models, m.voice_id, s.file));
  const quality = /-(x_low|low|medium|high)$/.exec(m.voice_id)?.[1];
  if (!quality) return null;
  const names = [];
  for (const [name, i] of Object.entries(m.speaker_id_map ?? {})) names[i] = name;
  const named = m.num_speakers > 1 && names.length === m.num_speakers && !names.includes(undefined);
  return {
    id: m.voice_id, language: m.language, quality, num_speakers: m.num_speakers, speakers: named ? names : [],
    download_bytes: m.shards.reduce((n, s) => n + s.size, 0), manifest: `${m.voice_id}/manifest.json`,
    manifest_digest: `sha256-${createHash('sha256').update(bytes).digest('base64')}`,
  };
}

/** Other converted voices beside `voiceDir` (sibling directories holding a manifest.json). */
async function siblingVoices(voiceDir) {
  const parent = dirname(voiceDir);
  const dirs = (await readdir(parent, { withFileTypes: true }))
    .filter((d) => !d.name.startsWith('.') && join(parent, d.name) !== voiceDir)
    .map((d) => join(parent, d.name))
    .filter((d) => existsSync(join(d, 'manifest.json')));
  return dirs.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [out = 'dist', voice] = process.argv.slice(2);
  const voiceDir = resolve(voice ?? join(repo, 'voices/en_US-joe-medium'));
  const extraVoices = await siblingVoices(voiceDir);
  console.log(`built ${await buildDist(out, voiceDir, undefined, { extraVoices })}`);
}
