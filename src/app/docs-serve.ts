import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveSite, type SiteServer } from '../docs/serve-site.js';
import { StrataError } from '../shared/errors.js';
import { openProject, type CommonOptions } from './project-session.js';

export interface DocsServeOptions extends CommonOptions {
  readonly host?: string;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

/**
 * `strata docs serve`: serves `target/docs` (and `target/reports` under `/reports/`, where the
 * site links the observability reports) over HTTP on the local machine. Reads files only: the
 * database stays free for runs.
 */
export async function serveDocs(options: DocsServeOptions): Promise<SiteServer> {
  const session = openProject(options);
  const siteDir = path.join(session.targetDir, 'docs');
  if (!existsSync(path.join(siteDir, 'index.html'))) {
    throw new StrataError('no_docs', `no documentation site in ${siteDir}: run \`strata docs generate\` first`, { file: siteDir });
  }
  return serveSite({
    siteDir,
    mounts: { '/reports/': path.join(session.targetDir, 'reports') },
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8080,
    ...(options.log ? { log: options.log } : {}),
  });
}
