import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SiteContent } from './build-site.js';
import { SITE_CALLBACK } from './site-data.js';
import { SITE_BUNDLE_FILES } from './site-bundle.js';

/** What was written, for the command's summary. */
export interface WrittenSite {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
}

/**
 * A data file: a script handing its payload to the site's queue, so it loads from file:// with
 * a plain `<script src>` (no fetch). The payload is JSON, which is valid JavaScript.
 */
export function dataScript(kind: string, key: number | null, payload: unknown): string {
  return `(window.${SITE_CALLBACK}=window.${SITE_CALLBACK}||[]).push([${JSON.stringify(kind)},${JSON.stringify(key)},${JSON.stringify(payload)}]);\n`;
}

/**
 * Writes the site into `dir`: the bundle (index.html, app.js, app.css) and the data files. The
 * site is written beside `dir` and swapped in at the end, so a reader (or `docs serve`) never
 * sees half a site and an earlier site survives a failure.
 */
export function writeSite(dir: string, bundleDir: string, content: SiteContent): WrittenSite {
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.join(staging, 'data', 'nodes'), { recursive: true });
  let files = 0;
  let bytes = 0;
  const write = (rel: string, text: string): void => {
    writeFileSync(path.join(staging, rel), text);
    files += 1;
    bytes += Buffer.byteLength(text);
  };
  for (const file of SITE_BUNDLE_FILES) {
    copyFileSync(path.join(bundleDir, file), path.join(staging, file));
    files += 1;
    bytes += statSync(path.join(staging, file)).size;
  }
  write('data/index.js', dataScript('index', null, content.index));
  write('data/search.js', dataScript('search', null, content.search));
  write('data/columns.js', dataScript('columns', null, content.columns));
  const chunk = content.index.detailChunk;
  for (let start = 0; start < content.details.length; start += chunk) {
    write(`data/nodes/${start / chunk}.js`, dataScript('nodes', start / chunk, content.details.slice(start, start + chunk)));
  }

  const previous = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, previous);
  renameSync(staging, dir);
  rmSync(previous, { recursive: true, force: true });
  return { dir, files, bytes };
}
