import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError } from '../shared/errors.js';

/** The package root (the folder holding package.json), from src/docs or dist/docs alike. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The site's browser source. */
export const SITE_SOURCE_DIR = path.join(PACKAGE_ROOT, 'docs-site');
/** Where the built bundle lives (`app.js`, `app.css`, `index.html`). */
export const SITE_BUNDLE_DIR = path.join(PACKAGE_ROOT, 'dist', 'docs-site');

/** Files of the built bundle that `docs generate` copies into the site. */
export const SITE_BUNDLE_FILES = ['app.js', 'app.css', 'index.html'] as const;

/** Source files the bundle is built from (the browser code and the shared modules it imports). */
function sourceFiles(): string[] {
  const roots = [SITE_SOURCE_DIR, path.join(PACKAGE_ROOT, 'src', 'docs'), path.join(PACKAGE_ROOT, 'src', 'graph')];
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else out.push(full);
    }
  };
  roots.forEach(walk);
  return out;
}

function newestMtime(files: readonly string[]): number {
  let newest = 0;
  for (const file of files) newest = Math.max(newest, statSync(file).mtimeMs);
  return newest;
}

/**
 * Builds the browser bundle from docs-site/ with esbuild: one IIFE script (d3, dagre, DOMPurify,
 * sql-formatter, diff and the selector grammar included) and one stylesheet, so the site needs
 * no network and no module loader (file:// refuses ES modules).
 */
export async function buildSiteBundle(outDir: string = SITE_BUNDLE_DIR): Promise<void> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new StrataError('docs_bundle', `the documentation site's bundle is missing from ${outDir} and esbuild is not installed to build it; run \`npm run build:ts\` in the Strata checkout`, {}, 'runtime');
  }
  // Build beside the bundle, then rename each file into place: a concurrent reader (another
  // `docs generate`, a parallel test) sees either the old file or the new one, never half of one.
  const staging = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  await esbuild.build({
    entryPoints: { app: path.join(SITE_SOURCE_DIR, 'src', 'main.ts') },
    outdir: staging,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  copyFileSync(path.join(SITE_SOURCE_DIR, 'index.html'), path.join(staging, 'index.html'));
  mkdirSync(outDir, { recursive: true });
  for (const file of SITE_BUNDLE_FILES) renameSync(path.join(staging, file), path.join(outDir, file));
  rmSync(staging, { recursive: true, force: true });
}

/**
 * The folder of an up-to-date bundle: built now when it is missing, or when the site's sources
 * (present in a checkout) are newer than it.
 */
export async function ensureSiteBundle(): Promise<string> {
  const bundle = SITE_BUNDLE_FILES.map((f) => path.join(SITE_BUNDLE_DIR, f));
  const missing = bundle.some((f) => !existsSync(f));
  const sources = existsSync(path.join(SITE_SOURCE_DIR, 'src')) ? sourceFiles() : [];
  const stale = !missing && sources.length > 0 && newestMtime(sources) > Math.min(...bundle.map((f) => statSync(f).mtimeMs));
  if (missing || stale) {
    try {
      await buildSiteBundle();
    } catch (error) {
      if (missing) throw error;
      // A stale bundle still works; building needs esbuild, which an installed package may lack.
    }
  }
  return SITE_BUNDLE_DIR;
}
