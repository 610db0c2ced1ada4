/**
 * The page's static files, read once at boot into memory: our HTML/JS/CSS (src/web) and uPlot from
 * node_modules (pinned in package.json), so the page works offline and no CDN is ever contacted. A fixed
 * allow-list: no path from a request ever reaches the file system.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const typeOf = (file: string) => TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';

export type Assets = ReadonlyMap<string, Asset>;

/** name -> file: pages by name ('index.html'), scripts and styles under their /assets/ name. */
export function loadAssets(webDir = join(__dirname, '../web')): Assets {
  const uplotDir = dirname(require.resolve('uplot/package.json'));
  const files: Record<string, string> = {
    'index.html': join(webDir, 'index.html'),
    'login.html': join(webDir, 'login.html'),
    'jobs.html': join(webDir, 'jobs.html'),
    'dashboard.js': join(webDir, 'dashboard.js'),
    'jobs.js': join(webDir, 'jobs.js'),
    'login.js': join(webDir, 'login.js'),
    'dashboard.css': join(webDir, 'dashboard.css'),
    'uplot.js': join(uplotDir, 'dist/uPlot.iife.min.js'),
    'uplot.css': join(uplotDir, 'dist/uPlot.min.css'),
  };
  return new Map(Object.entries(files).map(([name, path]) => [name, { body: readFileSync(path), type: typeOf(name) }]));
}

/** Strict: scripts and styles only from this origin (no inline script), no framing, forms post here only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');
