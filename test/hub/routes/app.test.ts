/**
 * The citizen app's route (hub/routes/app.ts) over real HTTP, on a folder laid out like Vite's
 * output: every screen answers the shell, hashed assets are cached for good, the shell and the
 * service worker are revalidated, a missing file is a 404, a missing build a 503 that says how to
 * build it; every answer carries the Content-Security-Policy.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { appRouter } from '../../../hub/routes/app';

const built = mkdtempSync(join(tmpdir(), 'app-dist-'));
mkdirSync(join(built, 'assets'));
writeFileSync(join(built, 'index.html'), '<!doctype html><title>shell</title>');
writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(built, 'sw.js'), '// sw');
writeFileSync(join(built, 'manifest.webmanifest'), '{}');

const servers: Server[] = [];
async function serve(dir: string): Promise<string> {
  const app = express();
  app.use(appRouter({ dir }));
  app.use((_req, res) => void res.status(404).json({ error: 'not found' }));
  const server = await new Promise<Server>((res) => {
    const s = app.listen(0, '127.0.0.1', () => res(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((res) => s.close(res))));
});

it('answers every screen with the shell, revalidated, under a strict CSP', async () => {
  const url = await serve(built);
  for (const path of ['/app', '/app/', '/app/papers', '/app/callback?code=x&state=y', '/app/consents/']) {
    const r = await fetch(url + path);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>shell</title>');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  }
});

it('serves hashed assets for a year, the service worker and manifest revalidated', async () => {
  const url = await serve(built);
  const asset = await fetch(`${url}/app/assets/index-abc123.js`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  const sw = await fetch(`${url}/app/sw.js`);
  expect(sw.headers.get('cache-control')).toBe('no-cache');
  const manifest = await fetch(`${url}/app/manifest.webmanifest`);
  expect(manifest.headers.get('content-type')).toContain('application/manifest+json');
});

it('a missing file is a 404, not the shell', async () => {
  const url = await serve(built);
  expect((await fetch(`${url}/app/assets/gone-123.js`)).status).toBe(404);
  expect((await fetch(`${url}/app/icons/none.png`)).status).toBe(404);
});

it('without a build: 503 saying how to build it', async () => {
  const url = await serve(mkdtempSync(join(tmpdir(), 'app-none-')));
  const r = await fetch(`${url}/app/papers`);
  expect(r.status).toBe(503);
  expect(await r.text()).toContain('npm run app:build');
});

it('sends the brotli or gzip copy a browser accepts, the plain file otherwise', async () => {
  writeFileSync(join(built, 'assets', 'index-abc123.js.br'), 'BROTLI');
  writeFileSync(join(built, 'assets', 'index-abc123.js.gz'), 'GZIP');
  const url = await serve(built);
  const get = (encoding: string) =>
    new Promise<{ status: number; encoding?: string; body: string; type?: string }>((res, rej) => {
      // node's fetch would decode the body: read the raw bytes.
      http
        .get(`${url}/app/assets/index-abc123.js`, { headers: { 'accept-encoding': encoding } }, (r) => {
          let body = '';
          r.on('data', (c: Buffer) => (body += c.toString()));
          r.on('end', () =>
            res({
              status: r.statusCode!,
              encoding: r.headers['content-encoding'],
              body,
              type: r.headers['content-type'],
            }),
          );
        })
        .on('error', rej);
    });
  expect(await get('br, gzip')).toMatchObject({ status: 200, encoding: 'br', body: 'BROTLI' });
  expect(await get('gzip')).toMatchObject({ status: 200, encoding: 'gzip', body: 'GZIP' });
  const plain = await get('identity');
  expect(plain).toMatchObject({ status: 200, body: 'console.log(1)' });
  expect(plain.encoding).toBeUndefined();
  expect((await get('br')).type).toContain('javascript');
  // No way out of the build folder.
  expect((await fetch(`${url}/app/..%2f..%2fetc%2fpasswd.json`)).status).toBe(404);
});
