// The voice catalog (issue 13): a site lists two voices — the real joe voice and a converted
// 4-speaker random-weight fixture — in models/catalog.json; Sotto.voices() lists them after the
// engine validated the catalog; loadVoice(entry) switches voice in the same worker, pinned to
// the catalog's manifest digest; speaker names come back with the load; a speaker name and a
// blend change the audio; a wrong digest is refused; switching back reads the shards from the
// shared sotto-v1 cache (no shard request), and neither voice's load prunes the other's shards.
// `sotto catalog` (the CLI) writes the same catalog as the site build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist } from '../../tools/build-dist.mjs';
import { launch, requireBuilt, startServer, HELLO, PKG_DIR, REPO, VOICE_DIR } from './helpers.mjs';

const BIN = process.env.SOTTO_BIN || join(REPO, 'target/release/sotto');
const FIXTURE = join(REPO, 'tests/fixtures/voices/x_low-4spk/x_low-4spk');
const FIXTURE_ID = 'en_US-fixture4-x_low'; // its id names the quality preset, as Piper's do
const NAMES = ['fixture_speaker_0', 'fixture_speaker_1', 'fixture_speaker_2', 'fixture_speaker_3'];

let tmp, site, server, browser, page;

before(async () => {
  requireBuilt();
  tmp = await mkdtemp(join(tmpdir(), 'sotto-catalog-'));
  // Convert the 4-speaker fixture under a Piper-style id (the ONNX file name is the voice id).
  const src = join(tmp, 'src');
  await mkdir(src);
  await copyFile(`${FIXTURE}.onnx`, join(src, `${FIXTURE_ID}.onnx`));
  await copyFile(`${FIXTURE}.onnx.json`, join(src, `${FIXTURE_ID}.onnx.json`));
  const fixtureDir = join(tmp, FIXTURE_ID);
  execFileSync(BIN, ['convert', join(src, `${FIXTURE_ID}.onnx`), join(src, `${FIXTURE_ID}.onnx.json`), '--out', fixtureDir]);
  site = join(tmp, 'site');
  await buildDist(site, VOICE_DIR, PKG_DIR, { extraVoices: [fixtureDir] });
  await writeFile(join(site, 'test.html'), '<!doctype html><meta charset="utf-8"><title>sotto test</title>\n');
  // Catalogs the engine must refuse.
  const good = JSON.parse(await readFile(join(site, 'models/catalog.json'), 'utf8'));
  const variant = (change) => { const c = structuredClone(good); change(c.voices[1]); return JSON.stringify(c); };
  await writeFile(join(site, 'models/bad-digest.json'), variant((v) => { v.manifest_digest = 'sha256-short'; }));
  await writeFile(join(site, 'models/elsewhere.json'), variant((v) => { v.manifest = 'https://evil.example/manifest.json'; }));
  await writeFile(join(site, 'models/unknown-field.json'), variant((v) => { v.url = '/x'; }));
  await writeFile(join(site, 'models/huge.json'), ' '.repeat((1 << 20) + 1));
  // The CLI writes the same catalog (run from the directories' parent: manifest paths are relative to it).
  const cli = JSON.parse(execFileSync(BIN, ['catalog', VOICE_DIR, fixtureDir], { encoding: 'utf8' }));
  assert.deepEqual(cli, good, '`sotto catalog` and the site build write the same catalog');
  const committed = JSON.parse(await readFile(join(REPO, 'models/catalog.json'), 'utf8'));
  assert.deepEqual(committed.voices, [good.voices[0]], 'models/catalog.json pins the committed joe manifest');
  server = await startServer(site);
  browser = await launch();
  page = await browser.context.newPage();
  await page.goto(`${server.url}/test.html`);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('Sotto.voices lists the catalog, validated by the engine', async () => {
  const voices = await page.evaluate(async () => {
    const { Sotto } = await import('/www/sotto.js');
    return Sotto.voices('/models/catalog.json');
  });
  console.log(`catalog: ${voices.map((v) => `${v.id} (${v.quality}, ${v.numSpeakers} spk, ${v.downloadBytes} B)`).join('; ')}`);
  assert.deepEqual(voices.map((v) => v.id), ['en_US-joe-medium', FIXTURE_ID]);
  const [joe, fixture] = voices;
  const joeManifest = JSON.parse(await readFile(join(VOICE_DIR, 'manifest.json'), 'utf8'));
  assert.equal(joe.quality, 'medium');
  assert.equal(joe.language, 'en_US');
  assert.equal(joe.numSpeakers, 1);
  assert.deepEqual(joe.speakers, []);
  assert.equal(joe.downloadBytes, joeManifest.shards.reduce((n, s) => n + s.size, 0));
  assert.equal(joe.manifest, `${server.url}/models/en_US-joe-medium/manifest.json`);
  assert.match(joe.manifestDigest, /^sha256-[A-Za-z0-9+/]{43}=$/);
  assert.equal(fixture.quality, 'x_low');
  assert.equal(fixture.numSpeakers, 4);
  assert.deepEqual(fixture.speakers, NAMES);
});

test('invalid catalogs are refused before the page sees them', async () => {
  const otherOrigin = `${server.url.replace('127.0.0.1', 'localhost')}/models/catalog.json`;
  const errors = await page.evaluate(async (otherOrigin) => {
    const { Sotto } = await import('/www/sotto.js');
    const out = {};
    for (const name of ['bad-digest', 'elsewhere', 'unknown-field', 'huge', 'missing']) {
      out[name] = await Sotto.voices(`/models/${name}.json`).then(() => 'listed', (e) => `${e.name}: ${e.message}`);
    }
    out.otherOrigin = await Sotto.voices(otherOrigin).then(() => 'listed', (e) => `${e.name}: ${e.message}`);
    return out;
  }, otherOrigin);
  console.log(errors);
  assert.match(errors['bad-digest'], /^CatalogError: .*voice 1: field manifest_digest is invalid/);
  assert.match(errors.elsewhere, /^CatalogError: .*voice 1: field manifest is invalid/);
  assert.match(errors['unknown-field'], /^CatalogError: .*not valid JSON of the expected form/);
  assert.match(errors.huge, /^CatalogError: .*too large/);
  assert.match(errors.missing, /HTTP 404/);
  assert.match(errors.otherOrigin, /another origin: list that origin in allowedOrigins/);
});

test('loadVoice switches voices in one worker, speaks by speaker name and blend, refuses a wrong pin, and switches back from the cache', async () => {
  server.requests.length = 0;
  const r = await page.evaluate(async ({ HELLO, NAMES }) => {
    const { Sotto } = await import('/www/sotto.js');
    const tts = new Sotto();
    const [joe, fixture] = await tts.voices('/models/catalog.json');
    const say = async (opts) => (await tts.synthesize(HELLO, { phonemes: true, noiseScale: 0, noiseW: 0, ...opts })).audio;
    const err = (p) => p.then(() => 'ok', (e) => `${e.name}: ${e.message}`);
    const out = {};
    await tts.loadVoice({ ...joe, backend: 'cpu' });
    out.first = { voiceId: tts.voiceId, numSpeakers: tts.numSpeakers, speakers: [...tts.speakers], n: (await say({})).length };
    await tts.loadVoice({ ...fixture, backend: 'cpu' });
    out.second = { voiceId: tts.voiceId, numSpeakers: tts.numSpeakers, speakers: [...tts.speakers], sampleRate: tts.sampleRate };
    const s0 = await say({ speaker: NAMES[0] });
    const s2 = await say({ speaker: NAMES[2] });
    const s2again = await say({ speaker: 2 });
    const blend = await say({ speaker: { [NAMES[0]]: 0.3, [NAMES[2]]: 0.7 } });
    const diff = (a, b) => a.length !== b.length || a.some((x, i) => x !== b[i]);
    out.speakers = {
      n: s0.length, byNameIsByIndex: !diff(s2, s2again), namesDiffer: diff(s0, s2),
      blendDiffers: diff(blend, s0) && diff(blend, s2), blendN: blend.length,
    };
    out.unknownSpeaker = await err(say({ speaker: 'nobody' }));
    // A wrong pin (joe's digest for the fixture's manifest) is refused; the fixture stays loaded.
    out.wrongPin = await err(tts.loadVoice({ ...fixture, manifestDigest: joe.manifestDigest, backend: 'cpu' }));
    out.afterWrongPin = tts.voiceId;
    await tts.loadVoice({ ...joe, backend: 'cpu' });
    out.back = { voiceId: tts.voiceId, speakers: [...tts.speakers], n: (await say({})).length };
    const c = await caches.open('sotto-v1');
    out.cached = (await c.keys()).map((k) => new URL(k.url).pathname).filter((p) => p.startsWith('/.sotto-cache/'));
    tts.dispose();
    return out;
  }, { HELLO, NAMES });
  console.log(JSON.stringify({ ...r, cached: r.cached.length }));
  assert.deepEqual(r.first.voiceId, 'en_US-joe-medium');
  assert.equal(r.first.numSpeakers, 1);
  assert.deepEqual(r.first.speakers, []);
  assert.ok(r.first.n > 10_000);
  assert.deepEqual(r.second, { voiceId: FIXTURE_ID, numSpeakers: 4, speakers: NAMES, sampleRate: 16000 });
  assert.ok(r.speakers.n > 1000, 'the fixture speaks');
  assert.ok(r.speakers.byNameIsByIndex, 'speaker by name = by its index');
  assert.ok(r.speakers.namesDiffer, 'two speakers sound different');
  assert.ok(r.speakers.blendDiffers, 'a blend is neither speaker');
  assert.match(r.unknownSpeaker, /^OptionsError: /);
  assert.match(r.wrongPin, /pinned digest/);
  assert.equal(r.afterWrongPin, FIXTURE_ID, 'the refused load left the fixture loaded');
  assert.deepEqual({ voiceId: r.back.voiceId, speakers: r.back.speakers }, { voiceId: 'en_US-joe-medium', speakers: [] });
  assert.equal(r.back.n, r.first.n, 'joe again, the same audio');
  // Both voices' shards are in the shared cache (loading one did not prune the other's).
  const joeShards = JSON.parse(await readFile(join(VOICE_DIR, 'manifest.json'), 'utf8')).shards.length;
  const fixtureShards = JSON.parse(await readFile(join(site, `models/${FIXTURE_ID}/manifest.json`), 'utf8')).shards.length;
  assert.equal(r.cached.filter((p) => p.startsWith('/.sotto-cache/en_US-joe-medium/')).length, joeShards);
  assert.equal(r.cached.filter((p) => p.startsWith(`/.sotto-cache/${FIXTURE_ID}/`)).length, fixtureShards);
  // Shard requests: each voice's shards were downloaded once; switching back fetched none.
  const shardRequests = server.requests.filter((p) => p.endsWith('.safetensors'));
  console.log(`shard requests: ${shardRequests.length} (joe ${joeShards} + fixture ${fixtureShards})`);
  assert.equal(shardRequests.length, joeShards + fixtureShards, 'no shard was downloaded twice');
});

test('demo: the voice picker lists the catalog; a multi-speaker voice gets a speaker picker with blending', async () => {
  const demo = await browser.context.newPage();
  const errors = [];
  demo.on('pageerror', (e) => errors.push(String(e)));
  const ready = () => demo.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 120_000 });
  await demo.goto(`${server.url}/www/?backend=cpu`);
  await ready();
  assert.equal(await demo.getAttribute('body', 'data-state'), 'ready', await demo.textContent('#error'));
  const options = await demo.$$eval('#voice-choice option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['en_US-joe-medium', FIXTURE_ID]);
  assert.ok(await demo.$eval('#speakers', (e) => e.hidden), 'no speaker picker for a single-speaker voice');
  await demo.selectOption('#voice-choice', FIXTURE_ID);
  await demo.waitForSelector('body[data-state="loading"]', { timeout: 10_000 }).catch(() => {});
  await ready();
  assert.equal(await demo.getAttribute('body', 'data-state'), 'ready', await demo.textContent('#error'));
  assert.equal(await demo.$eval('#speakers', (e) => e.hidden), false, 'speaker picker shown');
  assert.deepEqual(await demo.$$eval('#speaker-a option', (os) => os.map((o) => o.value)), NAMES);
  const wav = async () => {
    const [download] = await Promise.all([demo.waitForEvent('download'), demo.click('#download')]);
    const bytes = await readFile(await download.path());
    await demo.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    return bytes;
  };
  await demo.fill('#text', 'Hello there.');
  const one = await wav();
  await demo.selectOption('#speaker-b', NAMES[3]);
  await demo.$eval('#blend', (e) => { e.value = '0.5'; e.dispatchEvent(new Event('input')); });
  assert.equal(await demo.textContent('#blend-value'), '50 / 50');
  const blend = await wav();
  await demo.selectOption('#speaker-b', '');
  const again = await wav();
  console.log(`demo WAVs: ${one.length}, blend ${blend.length}, again ${again.length} bytes`);
  assert.ok(one.length > 1000);
  assert.ok(one.equals(again), 'the same speaker, the same audio');
  assert.ok(!one.equals(blend), 'the blend changes the audio');
  await demo.selectOption('#voice-choice', 'en_US-joe-medium');
  await demo.waitForSelector('body[data-state="loading"]', { timeout: 10_000 }).catch(() => {});
  await ready();
  assert.ok(await demo.$eval('#speakers', (e) => e.hidden), 'speaker picker hidden again');
  assert.deepEqual(errors, []);
  await demo.close();
});
