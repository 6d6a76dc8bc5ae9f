/**
 * The citizen's web app at /app: the static files Vite built into app/dist (`npm run app:build`;
 * `npm start` builds them when missing or stale). Every /app/<screen> answers the app's
 * index.html (the app routes in the browser); hashed assets are cached for a year, the shell,
 * the service worker and the manifest are revalidated; text files go brotli- or gzip-compressed
 * when the browser accepts it (the build writes the compressed copies). A strict
 * Content-Security-Policy: scripts, styles and connections to this origin only.
 */
import { existsSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import express, { type Request, type Response } from 'express';

/** Where the built app is, from the repository root. */
export const APP_DIST_DIR = join(__dirname, '..', '..', 'app', 'dist');

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

function securityHeaders(res: Response): void {
  res.set('Content-Security-Policy', CSP);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  res.set('Permissions-Policy', 'camera=(self), microphone=(), geolocation=()');
  res.set('Cross-Origin-Opener-Policy', 'same-origin');
}

export function appRouter(opts: { dir?: string } = {}): express.Router {
  const dir = opts.dir ?? APP_DIST_DIR;
  const router = express.Router();
  const index = join(dir, 'index.html');

  router.use('/app', (_req, res, next) => {
    securityHeaders(res);
    next();
  });
  // The build's brotli or gzip copy of a text file, for a browser that accepts it.
  router.get('/app/{*file}', (req: Request, res: Response, next) => {
    const rel = decodeURIComponent(req.path.slice('/app/'.length));
    if (!/\.(js|css|html|svg|webmanifest|json)$/.test(rel)) return next();
    const encoding = req.acceptsEncodings('br', 'gzip');
    if (encoding !== 'br' && encoding !== 'gzip') return next();
    const file = resolve(dir, rel);
    const compressed = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
    if (!file.startsWith(resolve(dir) + sep) || !existsSync(compressed)) return next();
    res.set('Content-Encoding', encoding);
    res.set('Vary', 'Accept-Encoding');
    res.set('Cache-Control', rel.startsWith('assets/') ? IMMUTABLE : 'no-cache');
    res.type(extname(rel) === '.webmanifest' ? 'application/manifest+json' : extname(rel));
    res.sendFile(compressed);
  });
  router.use(
    '/app',
    express.static(dir, {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (res, path) => {
        if (path.includes(`${join(dir, 'assets')}`)) res.set('Cache-Control', IMMUTABLE);
        else res.set('Cache-Control', 'no-cache');
        if (path.endsWith('.webmanifest')) res.set('Content-Type', 'application/manifest+json');
      },
    }),
  );
  // Every other GET under /app is a screen of the app: its shell (a missing asset stays a 404).
  router.get(['/app', '/app/{*screen}'], (req: Request, res: Response) => {
    if (/\.[a-z0-9]+$/i.test(req.path) || req.path.startsWith('/app/assets/')) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The citizen app is not built: run `npm run app:build` (npm start builds it).\n');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
