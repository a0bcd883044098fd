import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface SiteServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** The generated site (`target/docs`). */
  readonly siteDir: string;
  /** Folders served under a prefix beside the site, e.g. `/reports/` → `target/reports`. */
  readonly mounts?: Readonly<Record<string, string>>;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly log?: (line: string) => void;
}

/**
 * A static file server for the generated site: GET and HEAD only, files inside the served
 * folders only (no directory listing, no path escaping), no caching so a new `docs generate`
 * shows on reload. Never touches the database.
 */
export async function serveSite(options: ServeOptions): Promise<SiteServer> {
  const roots: [string, string][] = [...Object.entries(options.mounts ?? {}).map(([prefix, dir]): [string, string] => [prefix, path.resolve(dir)]), ['/', path.resolve(options.siteDir)]];
  const server = http.createServer((request, response) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      response.writeHead(400).end('bad request');
      return;
    }
    const file = resolveFile(roots, pathname);
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      options.log?.(`404 ${pathname}`);
      return;
    }
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    response.writeHead(200, {
      'Content-Type': type,
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function resolveFile(roots: readonly [string, string][], pathname: string): string | undefined {
  for (const [prefix, dir] of roots) {
    if (!pathname.startsWith(prefix)) continue;
    let rel = pathname.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(dir, `.${path.posix.sep}${rel}`);
    if (file !== dir && !file.startsWith(dir + path.sep)) return undefined;
    if (existsSync(file) && statSync(file).isFile()) return file;
    if (prefix !== '/') return undefined;
  }
  return undefined;
}
