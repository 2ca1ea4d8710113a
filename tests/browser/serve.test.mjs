// tools/serve.mjs: MIME types, no directory listing, no path traversal, loopback only, mounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, resolvePath } from '../../tools/serve.mjs';

let root, srv;
before(async () => {
  const base = await mkdtemp(join(tmpdir(), 'sotto-serve-'));
  root = join(base, 'site');
  await mkdir(join(root, 'sub'), { recursive: true });
  await writeFile(join(base, 'secret.txt'), 'secret');
  for (const [f, body] of [['a.wasm', '\0asm'], ['a.js', '1'], ['a.json', '{}'], ['m.webmanifest', '{}'],
    ['index.html', '<p>hi'], ['sub/x.txt', 'x']]) await writeFile(join(root, f), body);
  srv = await serve(root, 0);
});
after(async () => {
  srv.server.close();
  await rm(join(root, '..'), { recursive: true, force: true });
});

// Raw request, so that "../" reaches the server unnormalized.
const get = (path, server = srv.server) => new Promise((ok, fail) => {
  const { port } = server.address();
  request({ host: '127.0.0.1', port, path }, (res) => {
    let body = '';
    res.on('data', (d) => { body += d; }).on('end', () => ok({
      status: res.statusCode, type: res.headers['content-type'], headers: res.headers, body,
    }));
  }).on('error', fail).end();
});

test('MIME types', async () => {
  assert.equal((await get('/a.wasm')).type, 'application/wasm');
  assert.match((await get('/a.js')).type, /^text\/javascript/);
  assert.equal((await get('/a.json')).type, 'application/json');
  assert.equal((await get('/m.webmanifest')).type, 'application/manifest+json');
  assert.match((await get('/')).type, /^text\/html/);
});

test('no directory listing, no traversal, loopback only', async () => {
  assert.equal((await get('/sub/')).status, 404);
  assert.equal((await get('/sub/x.txt')).body, 'x');
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/sub/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
    const r = await get(p);
    assert.ok(r.status === 403 || r.status === 404, `${p} -> ${r.status}`);
    assert.notEqual(r.body, 'secret');
  }
  assert.equal(resolvePath(root, '/../secret.txt'), null);
  assert.equal(srv.server.address().address, '127.0.0.1');
});

test('mounts at URL prefixes, extra headers and Cache-Control', async () => {
  const other = join(root, '..', 'other');
  await mkdir(other, { recursive: true });
  await writeFile(join(other, 'v.json'), '{"v":1}');
  const { server } = await serve([['/voice/', other], ['/', root]], 0,
    { headers: { 'Cross-Origin-Opener-Policy': 'same-origin' }, cacheControl: 'public, max-age=60' });
  try {
    const v = await get('/voice/v.json', server);
    assert.equal(v.body, '{"v":1}');
    assert.equal(v.headers['cache-control'], 'public, max-age=60');
    assert.equal(v.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal((await get('/a.js', server)).body, '1');
    assert.notEqual((await get('/voice/../secret.txt', server)).body, 'secret');
    assert.equal((await get('/voice/a.js', server)).status, 404, 'a mount does not fall through to the next');
  } finally {
    server.close();
  }
});
