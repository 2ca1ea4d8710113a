#!/usr/bin/env node
// Tiny static file server for the demo, the browser tests, the example apps and the benchmark.
//   node tools/serve.mjs ROOT [PORT]
// Binds 127.0.0.1 only, serves files under ROOT with the right MIME types (WebAssembly
// streaming compilation needs application/wasm), never lists directories (a directory
// serves its index.html or 404) and refuses any path that resolves outside ROOT.
// Programs can also mount several directories at URL prefixes and add response headers.
// The command line sends the headers a host of the demo should send (SECURITY_HEADERS: the
// demo's Content-Security-Policy as a header, which, unlike the page's meta tag, also covers
// the worker); programs ask for them with { securityHeaders: true }.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.safetensors': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.data': 'application/octet-stream',
};

/**
 * The demo page's CSP (www/index.html's meta tag), plus what only a header can say
 * (frame-ancestors). Sent as a header it also governs sotto-worker.js, where the engine runs:
 * connect-src limits where the worker may fetch a voice from, script-src 'wasm-unsafe-eval'
 * lets it compile the engine and nothing else.
 */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "connect-src 'self'; worker-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; " +
  "frame-ancestors 'none'";

/** Response headers a host of the demo (or of a page using the library) should send. */
export const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'Cross-Origin-Opener-Policy': 'same-origin', // no cross-window access to the page
  'Cross-Origin-Resource-Policy': 'same-origin', // other sites cannot embed these files
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  'X-Content-Type-Options': 'nosniff',
};

/** Maps a URL path to a file under root, or null when it would escape root. */
export function resolvePath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(base, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  return file === base || file.startsWith(base + sep) ? file : null;
}

/**
 * Returns a node:http server (not yet listening) for `root`: a directory, or a list of
 * [urlPrefix, directory] mounts (the first prefix that matches wins; prefixes end with '/').
 * Options: `onRequest(path)`; `securityHeaders` (SECURITY_HEADERS on every response);
 * `headers` added to (and overriding those on) every file response; `cacheControl`
 * (default 'no-cache').
 */
export function createStaticServer(root, { onRequest, headers = {}, cacheControl = 'no-cache', securityHeaders = false } = {}) {
  const base = securityHeaders ? SECURITY_HEADERS : {};
  const mounts = typeof root === 'string' ? [['/', root]] : root;
  return createServer(async (req, res) => {
    const send = (code, text) => {
      res.writeHead(code, { ...base, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    const path = new URL(req.url, 'http://localhost').pathname;
    onRequest?.(path);
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    if (!mount) return send(404, 'not found\n');
    let file = resolvePath(mount[1], path.slice(mount[0].length - 1));
    if (!file) return send(403, 'forbidden\n');
    try {
      let st = await stat(file);
      if (st.isDirectory()) {
        file = join(file, 'index.html');
        st = await stat(file);
      }
      if (!st.isFile()) return send(404, 'not found\n');
      res.writeHead(200, {
        ...base,
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': st.size,
        'Cache-Control': cacheControl,
        'X-Content-Type-Options': 'nosniff',
        ...headers,
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch {
      send(404, 'not found\n');
    }
  });
}

/** Starts serving `root` (see createStaticServer) on 127.0.0.1:`port` (0 = any free port);
 * resolves to {server, url}. */
export function serve(root, port = 0, opts) {
  const server = createStaticServer(root, opts);
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      ok({ server, url: `http://127.0.0.1:${server.address().port}` });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [root = '.', port = '8080'] = process.argv.slice(2);
  const { url } = await serve(root, Number(port), { securityHeaders: true });
  console.log(`serving ${resolve(root)} at ${url}/`);
}
