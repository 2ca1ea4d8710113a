// Origins and CSP (issue 11, finding 8): the worker loads a manifest from the page's origin
// only, unless the caller lists the other origin in `allowedOrigins`; tools/serve.mjs sends the
// demo's CSP (and the other headers a host should send) as HTTP headers, which also govern
// the worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSite, launch, HELLO, GOOD, REPO } from './helpers.mjs';
import { startControlledServer } from './hardening-helpers.mjs';
import { CSP, SECURITY_HEADERS } from '../../tools/serve.mjs';

let site, cdn, page1, strict;

before(async () => {
  site = await buildSite();
  // A second port is a second origin: the "CDN" serving the same voice, with CORS.
  cdn = await startControlledServer(site, { headers: { 'Access-Control-Allow-Origin': '*' } });
  // The page's server: security headers, its CSP allowing the CDN (so only Sotto's own check can refuse it).
  page1 = await startControlledServer(site, {
    securityHeaders: true,
    headers: { 'Content-Security-Policy': CSP.replace("connect-src 'self'", `connect-src 'self' ${cdn.url}`) },
  });
  // A server sending the demo's CSP unchanged (connect-src 'self').
  strict = await startControlledServer(site, { securityHeaders: true });
});

after(async () => {
  for (const s of [cdn, page1, strict]) await s?.close();
  if (site) await rm(site, { recursive: true, force: true });
});

const tryLoad = (page, opts) => page.evaluate(async ({ opts, HELLO }) => {
  const { Sotto } = await import('/www/sotto.js');
  try {
    const tts = await Sotto.load({ backend: 'cpu', ...opts });
    const n = (await tts.synthesize(HELLO, { phonemes: true })).audio.length;
    tts.dispose();
    return { ok: true, n };
  } catch (e) {
    return { error: `${e.name}: ${e.message}` };
  }
}, { opts, HELLO });

test('a manifest on another origin is refused by default and loads when its origin is listed', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${page1.url}/test.html`);
    const manifest = `${cdn.url}${GOOD}`;
    const refused = await tryLoad(page, { manifest });
    console.log(`default: ${refused.error}`);
    assert.match(refused.error ?? '', /another origin.*allowedOrigins/);
    assert.deepEqual(cdn.requests, [], 'nothing was fetched from the other origin');
    const otherListed = await tryLoad(page, { manifest, allowedOrigins: ['https://cdn.example'] });
    assert.match(otherListed.error ?? '', /another origin/, 'listing a different origin does not help');
    const bad = await tryLoad(page, { manifest, allowedOrigins: ['javascript:alert(1)'] });
    assert.match(bad.error ?? '', /^TypeError: .*allowedOrigins/);
    const ok = await tryLoad(page, { manifest, allowedOrigins: [`${cdn.url}/`] });
    assert.ok(ok.ok && ok.n > 10_000, `listed: ${ok.error}`);
    assert.ok(cdn.requests.includes('/models/en_US-joe-medium/vocoder-00.safetensors'), 'shards came from the manifest\'s origin');
    const same = await tryLoad(page, { manifest: GOOD });
    assert.ok(same.ok, `same origin: ${same.error}`);
  } finally {
    await browser.close();
  }
});

test('the CSP header governs the worker: connect-src refuses another origin even when allowedOrigins lists it', async () => {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${strict.url}/test.html`);
    const before = cdn.requests.length;
    const r = await tryLoad(page, { manifest: `${cdn.url}${GOOD}`, allowedOrigins: [cdn.url] });
    console.log(`under the demo CSP: ${r.error}`);
    assert.match(r.error ?? '', /could not fetch the voice manifest/);
    assert.equal(cdn.requests.length, before, 'the worker did not reach the other origin');
    assert.ok((await tryLoad(page, { manifest: GOOD })).ok, 'the same-origin voice loads under the CSP');
  } finally {
    await browser.close();
  }
});

const head = (url) => new Promise((ok, fail) => {
  request(url, { method: 'HEAD' }, (res) => { res.resume(); ok({ status: res.statusCode, headers: res.headers }); })
    .on('error', fail).end();
});

test('tools/serve.mjs (the command line) sends the demo CSP and the security headers', async () => {
  const cli = spawn(process.execPath, [join(REPO, 'tools/serve.mjs'), site, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((ok, fail) => {
      let out = '';
      cli.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
        if (m) ok(m[1]);
      });
      cli.on('exit', () => fail(new Error('serve.mjs exited')));
    });
    const meta = (await readFile(join(REPO, 'www/index.html'), 'utf8'))
      .match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
    for (const path of ['/www/', '/www/sotto-worker.js', '/pkg/sotto_bg.wasm', GOOD, '/no-such-file']) {
      const { headers } = await head(`${url}${path}`);
      const csp = headers['content-security-policy'];
      assert.ok(csp, `${path}: a CSP header`);
      for (const directive of meta.split(';').map((d) => d.trim())) {
        assert.ok(csp.split(';').map((d) => d.trim()).includes(directive), `${path}: header CSP has "${directive}"`);
      }
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(headers[name.toLowerCase()], value, `${path}: ${name}`);
    }
    console.log(`CSP header: ${CSP}`);
  } finally {
    cli.kill();
  }
});
