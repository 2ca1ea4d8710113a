// Licence and pinning check of the npm side (run by tests/supply-chain.sh).
//
// 1. The published package has no runtime dependencies: package.json declares no
//    `dependencies`, `optionalDependencies`, `peerDependencies` or `bundleDependencies`, so
//    installing it pulls nothing but its own files (`www/`, `pkg/`).
// 2. Every devDependency is pinned to an exact version, and package-lock.json (which npm ci
//    verifies by its `integrity` digests) records every installed package with an integrity
//    digest (SHA-512 SRI), and a tarball from registry.npmjs.org when it names one.
// 3. Every package in the lockfile (devDependencies and their dependencies; also the example
//    apps' lockfiles under tests/apps/) has a licence from the allowed list, read from the
//    lockfile and, when node_modules is installed, cross-checked against
//    node_modules/<name>/package.json. GPL, AGPL, LGPL and any unknown licence are refused.
//
// usage: node tools/check-npm-licenses.mjs [ROOT]   (exit 1 with one line per problem)
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const ALLOWED = new Set([
  'MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0',
  'CC0-1.0', 'Unlicense', 'Python-2.0', 'MIT OR Apache-2.0', '(MIT OR Apache-2.0)',
  '(MIT OR CC0-1.0)', '(MIT AND Zlib)', 'CC-BY-4.0',
  // File-level copyleft, no obligation on Sotto's code (lightningcss, in the Vite example app).
  'MPL-2.0',
]);
const problems = [];
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

// An SPDX expression passes when it is allowed whole, or when it is a choice (OR) with at least
// one allowed alternative. A GPL-family licence alone is refused whatever the list says.
function allowed(license) {
  if (typeof license !== 'string' || license === '') return false;
  if (/\b(A|L)?GPL\b|GPL-|AGPL|SSPL|BUSL/i.test(license) && !/\bOR\b/.test(license)) return false;
  if (ALLOWED.has(license)) return true;
  const alternatives = license.replace(/^\(|\)$/g, '').split(/\s+OR\s+/);
  return alternatives.length > 1 && alternatives.some((a) => ALLOWED.has(a.trim()));
}

const pkg = readJson(join(root, 'package.json'));
for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) {
  if (pkg[field] && Object.keys(pkg[field]).length > 0) {
    problems.push(`package.json: the published package must have no ${field}`);
  }
}
for (const [name, range] of Object.entries(pkg.devDependencies ?? {})) {
  if (!/^\d+\.\d+\.\d+$/.test(range)) problems.push(`package.json: devDependency ${name} is not pinned exactly (${range})`);
}

function checkLock(dir) {
  const lockPath = join(dir, 'package-lock.json');
  const lock = readJson(lockPath);
  let n = 0;
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '' || entry.link) continue;
    n += 1;
    const where = `${lockPath.slice(root.length + 1)}: ${path}`;
    if (!entry.integrity || !/^sha(256|384|512)-/.test(entry.integrity)) problems.push(`${where}: no integrity digest`);
    if (entry.resolved && !entry.resolved.startsWith('https://registry.npmjs.org/')) problems.push(`${where}: not from registry.npmjs.org`);
    if (!allowed(entry.license)) problems.push(`${where}: licence ${JSON.stringify(entry.license)} is not allowed`);
    const installed = join(dir, path, 'package.json');
    if (existsSync(installed)) {
      const l = readJson(installed).license;
      const text = typeof l === 'object' && l !== null ? l.type : l;
      if (text !== entry.license) problems.push(`${where}: node_modules says licence ${JSON.stringify(text)}`);
      if (!allowed(text)) problems.push(`${where}: installed licence ${JSON.stringify(text)} is not allowed`);
    }
  }
  return n;
}

let total = 0;
for (const dir of [root, join(root, 'tests/apps/vite'), join(root, 'tests/apps/webpack')]) {
  if (existsSync(join(dir, 'package-lock.json'))) total += checkLock(dir);
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log(`npm: no runtime dependencies; ${total} locked dev packages, all pinned, all licences allowed`);
