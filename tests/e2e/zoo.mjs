// A zoo of local TLS servers (openssl s_server with certificates made at
// test time) and the real relay, for the extension's end-to-end tests.
// Every process started here is tracked and killed by stopAll().
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from '../wasm/core.mjs';

// $TLSLENS_RELAY_BIN picks another relay binary.
export const RELAY_BIN = process.env.TLSLENS_RELAY_BIN || path.join(ROOT, 'target', 'release', 'tlslens-relay');
const children = new Set();

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function openssl(dir, args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

// A private root and intermediate in dir (valid `rootDays`/`interDays`), and a
// leaf maker signed by the intermediate. Returns { leaf, files }.
function makePki(dir, name, rootDays, interDays) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(dir, ['req', '-x509', ...EC, '-keyout', 'root.key', '-out', 'root.pem', '-days', String(rootDays), '-subj', `/CN=TLS Lens ${name} Root/O=TLS Lens Test`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', ...EC, '-keyout', 'inter.key', '-out', 'inter.csr', '-subj', `/CN=TLS Lens ${name} Intermediate/O=TLS Lens Test`]);
  openssl(dir, ['x509', '-req', '-in', 'inter.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-days', String(interDays), '-out', 'inter.pem', '-extfile', 'ca.ext']);
  const leaf = (file, host, days) => {
    fs.writeFileSync(path.join(dir, `${file}.ext`), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${host}\nauthorityKeyIdentifier=keyid\n`);
    openssl(dir, ['req', ...EC, '-keyout', `${file}.key`, '-out', `${file}.csr`, '-subj', `/CN=${host}`]);
    openssl(dir, ['x509', '-req', '-in', `${file}.csr`, '-CA', 'inter.pem', '-CAkey', 'inter.key', '-days', String(days), '-out', `${file}.pem`, '-extfile', `${file}.ext`]);
  };
  const selfSigned = (file, host, days) => openssl(dir, ['req', '-x509', ...EC, '-keyout', `${file}.key`, '-out', `${file}.pem`, '-days', String(days), '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`]);
  const f = (n) => path.join(dir, n);
  const files = { dir, root: f('root.pem'), inter: f('inter.pem'), key: (n) => f(`${n}.key`), cert: (n) => f(`${n}.pem`) };
  return { leaf, selfSigned, files };
}

// Makes the certificates in dir: a private root and intermediate; leaves
// for good/expired/incomplete (signed by the intermediate) and a self-signed
// one. Returns file paths.
export function makeCerts(dir) {
  const { leaf, selfSigned, files } = makePki(dir, 'Zoo', 30, 20);
  leaf('good', 'good.zoo.test', 10);
  leaf('expired', 'expired.zoo.test', -1);
  leaf('multi', 'multi.zoo.test', 10);
  leaf('incomplete', 'incomplete.zoo.test', 10);
  leaf('multiexp', 'multi.zoo.test', -1);
  selfSigned('self', 'self.zoo.test', 10);
  return files;
}

// Certificates for the watchlist tests: a private root and intermediate that
// last ten years (so only the leaves alert), leaves for `soon` (expires in
// 10 days) and `healthy` (200 days), and a self-signed certificate for the
// healthy host (the same site after a bad deployment: grade T).
export function makeWatchCerts(dir, { soon = 'soon.watch.test', healthy = 'healthy.watch.test' } = {}) {
  const { leaf, selfSigned, files } = makePki(dir, 'Watch', 3650, 3650);
  leaf('soon', soon, 10);
  leaf('healthy', healthy, 200);
  selfSigned('healthy-self', healthy, 200);
  return files;
}

// Stops one process started here (SIGTERM, then SIGKILL) and waits for it.
export function stopOne(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, 3000);
    t.unref();
    child.once('exit', () => { clearTimeout(t); resolve(); });
    try { child.kill('SIGTERM'); } catch { resolve(); }
  });
}

function track(child, name) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.name = name;
  return child;
}

function waitForPort(port, host = '127.0.0.1', timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, host);
      sock.once('connect', () => { sock.destroy(); resolve(); });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

// openssl s_server on host:port with cert/key (and an optional chain file),
// answering HTTP with its status page (-www).
export async function startTlsServer({ host = '127.0.0.1', port, cert, key, chain }) {
  const args = ['s_server', '-accept', `${host}:${port}`, '-cert', cert, '-key', key, '-www', '-quiet', '-naccept', '100000'];
  if (chain) args.push('-cert_chain', chain);
  const child = track(spawn('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] }), `s_server ${host}:${port}`);
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  try {
    await waitForPort(port, host);
  } catch (e) {
    throw new Error(`${e.message}; openssl s_server said: ${err.trim()}`);
  }
  return child;
}

// The real relay: `tlslens-relay serve` with the given flags.
export async function startRelay(args) {
  const port = await freePort();
  const child = track(spawn(RELAY_BIN, ['serve', '--listen', `127.0.0.1:${port}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' } }), `relay :${port}`);
  let err = '';
  child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  try {
    await waitForPort(port);
  } catch (e) {
    throw new Error(`${e.message}; the relay said: ${err.trim()}`);
  }
  return { url: `http://127.0.0.1:${port}`, port, child, log: () => err };
}

// Builds the relay (cargo is incremental: a no-op when the binary is up to
// date), so the tests never run a stale binary left by an earlier build;
// $TLSLENS_RELAY_BIN is used as it is.
export function ensureRelay() {
  if (!process.env.TLSLENS_RELAY_BIN) {
    execFileSync('cargo', ['build', '--release', '-p', 'tlslens-relay'], { cwd: ROOT, stdio: 'inherit' });
  }
}

export async function stopAll() {
  const waits = [...children].map((c) => new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const t = setTimeout(() => { try { c.kill('SIGKILL'); } catch { /* gone */ } resolve(); }, 3000);
    t.unref();
    c.once('exit', () => { clearTimeout(t); resolve(); });
    try { c.kill('SIGTERM'); } catch { resolve(); }
  }));
  await Promise.all(waits);
}
