// Signed manifests in the browser: Sotto.load({ publicKey }) fetches manifest.json.sig beside the
// manifest and refuses, before any shard is fetched, a voice that is unsigned, altered or signed
// by another key; { manifestDigest } pins the manifest itself. The signature is made here with
// Node's own Ed25519 (any RFC 8032 tool interoperates), not with `sotto convert --sign`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSite, startServer, launch, HELLO, GOOD } from './helpers.mjs';

let site, server;
const keys = {};

/** base64 of the raw 32-byte public key (the JWK's `x`, base64url). */
const rawPublic = (k) => Buffer.from(k.export({ format: 'jwk' }).x, 'base64url').toString('base64');

before(async () => {
  site = await buildSite();
  const models = join(site, 'models');
  const good = join(models, 'en_US-joe-medium');
  const manifest = await readFile(join(good, 'manifest.json'));
  const pair = generateKeyPairSync('ed25519');
  keys.good = rawPublic(pair.publicKey);
  keys.other = rawPublic(generateKeyPairSync('ed25519').publicKey);
  keys.digest = `sha256-${createHash('sha256').update(manifest).digest('base64')}`;
  await writeFile(join(good, 'manifest.json.sig'), `${sign(null, manifest, pair.privateKey).toString('base64')}\n`);
  // Unsigned: the same voice without its .sig. Altered: one more space in the manifest (still valid JSON).
  await cp(good, join(models, 'unsigned'), { recursive: true });
  await rm(join(models, 'unsigned', 'manifest.json.sig'));
  await cp(good, join(models, 'altered'), { recursive: true });
  await writeFile(join(models, 'altered', 'manifest.json'), Buffer.concat([manifest, Buffer.from(' ')]));
  server = await startServer(site);
});

after(async () => {
  await server?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

test('publicKey: a signed voice loads; unsigned, altered or other-key voices are refused before any shard', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/test.html`);
    const r = await page.evaluate(async ({ GOOD, HELLO, keys }) => {
      const { Sotto } = await import('/www/sotto.js');
      const attempt = async (opts) => {
        try {
          const tts = await Sotto.load({ backend: 'cpu', cache: false, ...opts });
          const { audio } = await tts.synthesize(HELLO, { phonemes: true });
          tts.dispose();
          return { ok: audio.length };
        } catch (e) {
          return { err: e.message };
        }
      };
      const unsigned = '/models/unsigned/manifest.json';
      const altered = '/models/altered/manifest.json';
      return {
        signed: await attempt({ manifest: GOOD, publicKey: keys.good }),
        pinned: await attempt({ manifest: GOOD, publicKey: keys.good, manifestDigest: keys.digest }),
        otherKey: await attempt({ manifest: GOOD, publicKey: keys.other }),
        unsigned: await attempt({ manifest: unsigned, publicKey: keys.good }),
        unsignedNoKey: await attempt({ manifest: unsigned }),
        altered: await attempt({ manifest: altered, publicKey: keys.good }),
        alteredPinned: await attempt({ manifest: altered, manifestDigest: keys.digest }),
        badKey: await attempt({ manifest: GOOD, publicKey: 'not a key' }),
      };
    }, { GOOD, HELLO, keys });
    console.log(JSON.stringify(r));
    assert.ok(r.signed.ok > 0 && r.pinned.ok > 0 && r.unsignedNoKey.ok > 0, 'signed (and unsigned without a key) voices load');
    assert.match(r.otherKey.err, /does not match the public key/);
    assert.match(r.unsigned.err, /not signed/);
    assert.match(r.altered.err, /does not match the public key/);
    assert.match(r.alteredPinned.err, /pinned digest/);
    assert.match(r.badKey.err, /public key is malformed/);
    assert.ok(!JSON.stringify(r).includes(keys.good), 'no message echoes the key');
    const shards = (dir) => server.requests.filter((p) => p.startsWith(`/models/${dir}/`) && p.endsWith('.safetensors'));
    assert.deepEqual(shards('altered'), [], 'no shard of a refused voice was fetched');
    assert.ok(server.requests.includes('/models/en_US-joe-medium/manifest.json.sig'));
  } finally {
    await browser.close();
  }
});
