import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The newsroom page may talk to its own origin only: no CDN, no fonts or analytics from elsewhere.
 * TimelineJS sets inline styles, hence 'unsafe-inline' for styles (never for scripts).
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build:web` put the page: dist/web, seen from src/ (tests) or dist/src/ (npm start). */
export function webRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // The build copies TimelineJS next to index.html; the page's sources (web/ at the root) have no such copy.
  return [join(here, '..', 'dist', 'web'), join(here, '..', 'web')].find(
    (dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'timelinejs', 'js', 'timeline.js')),
  );
}

/**
 * Serves the built newsroom page at `/`. Only the files that exist at start get a route
 * (no wildcard), so /v1, /docs, /health and /metrics, and their 404 problem documents, stay untouched.
 */
export async function setupWebPage(app: NestFastifyApplication, root = webRoot()): Promise<boolean> {
  if (root === undefined) return false;
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    decorateReply: false,
    index: 'index.html',
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (path.endsWith('.html')) {
        res.setHeader('Content-Security-Policy', PAGE_CSP);
        res.setHeader('Cache-Control', 'no-cache');
      } else if (path.includes('/assets/')) {
        // Vite puts a content hash in these names.
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      } else {
        res.setHeader('Cache-Control', 'public, max-age=3600');
      }
    },
  });
  return true;
}
