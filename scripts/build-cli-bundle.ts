/**
 * Bundles the CLI and its pure-JavaScript dependencies into a few ES modules (run by
 * `npm run build:ts` after tsc). Resolving and loading the ~270 modules of dist/ and ~200 of
 * node_modules cost every `strata` process about 150 ms of CPU; the bundle is split at the CLI's
 * lazy `import()`s, so a command still loads only the code it uses.
 *
 * Each build goes to its own folder, dist/cli-bundle-<hash>/, and then dist/cli/main.js (what
 * bin/strata.js imports) is replaced, atomically, by a module re-exporting the bundle's `main`:
 * - a process started on the previous build keeps finding its lazily loaded chunks meanwhile;
 * - a later `tsc` alone writes dist/cli/main.js again, so the CLI then runs the freshly compiled
 *   modules instead of a stale bundle;
 * - the folder sits two levels below the package root, as dist/<folder>/<module>.js does, so the
 *   paths the code builds from `import.meta.url` (package.json, project-template/, docs-site/)
 *   resolve the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const ENTRY = path.join(DIST, 'cli', 'main.js');
const PREFIX = 'cli-bundle-';

/**
 * Left to Node's resolution at run time: native code (esbuild's binary; DuckDB's binding, see
 * below), optional peers that are not installed, geotiff, whose decoders are loaded as separate
 * files, and chokidar, which only `watch` uses but nunjucks would otherwise drag into the chunk
 * every command loads.
 */
const EXTERNAL = ['esbuild', 'pg-native', 'pg-cloudflare', 'fsevents', 'geotiff', 'chokidar'];

/**
 * @duckdb/node-api is bundled: imported from an ES module, its ~180 CommonJS files would each be
 * scanned by Node for their export names (50-90 ms whenever DuckDB opens). Its native binding is
 * loaded at run time from where node-api is installed: only node-api depends on it, so a strict
 * layout (pnpm) does not put it beside Strata.
 */
const duckdbBindingBesideNodeApi: esbuild.Plugin = {
  name: 'duckdb-binding-beside-node-api',
  setup(build) {
    build.onResolve({ filter: /^@duckdb\/node-bindings$/ }, () => ({ path: 'node-bindings', namespace: 'duckdb-binding' }));
    build.onLoad({ filter: /.*/, namespace: 'duckdb-binding' }, () => ({
      contents: "module.exports = require('node:module').createRequire(require.resolve('@duckdb/node-api'))('@duckdb/node-bindings');",
      loader: 'js',
    }));
  },
};

/**
 * zod's error messages in English only: `z.locales` holds every language (a sixth of the code each
 * command parses) and Strata never switches. English is registered by zod's schemas themselves.
 */
const englishOnlyZod: esbuild.Plugin = {
  name: 'english-only-zod',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: "export { default as en } from './en.js';", loader: 'js' }));
  },
};

const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: {
    main: 'src/cli/main.ts',
    // Started as worker threads from the file beside the module that starts them (run-transformer, share-work).
    'transformer-worker': 'src/transformers/transformer-worker.ts',
    'share-work-worker': 'src/shared/share-work-worker.ts',
    // Task modules of share-work, imported by name from beside their caller (TemplateEngine.prerender).
    'render-task': 'src/templating/render-task.ts',
    'format-task': 'src/compile/format-task.ts',
  },
  outdir: path.join(DIST, 'cli-bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [englishOnlyZod, duckdbBindingBesideNodeApi],
  // V8 parses every loaded chunk in full: less text, less start-up. Names stay (stack traces).
  minifyWhitespace: true,
  minifySyntax: true,
  chunkNames: 'chunk-[hash]',
  // CommonJS dependencies call require() for Node's built-in modules; an ES module has none.
  banner: { js: "import { createRequire as __strataCreateRequire } from 'node:module'; const require = __strataCreateRequire(import.meta.url);" },
  write: false,
  logLevel: 'warning',
});

const hash = createHash('sha256');
for (const file of result.outputFiles) hash.update(path.basename(file.path)).update(file.contents);
const folder = `${PREFIX}${hash.digest('hex').slice(0, 12)}`;
// The same hash means the same files: a folder already there is left as it is (it may be in use).
if (!existsSync(path.join(DIST, folder))) {
  const staging = path.join(DIST, `${folder}.tmp-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  for (const file of result.outputFiles) writeFileSync(path.join(staging, path.basename(file.path)), file.contents);
  try {
    renameSync(staging, path.join(DIST, folder));
  } catch (error) {
    // A concurrent build of the same sources got there first.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(DIST, folder))) throw error;
  }
}

const previous = newestBundleBesides(folder);
mkdirSync(path.dirname(ENTRY), { recursive: true });
const entryTmp = `${ENTRY}.tmp-${process.pid}`;
writeFileSync(entryTmp, `// Written by scripts/build-cli-bundle.ts; tsc writes the unbundled CLI here again.\nexport { main } from '../${folder}/main.js';\n`);
renameSync(entryTmp, ENTRY);

// Keep the previous build for processes still running on it; older ones go.
for (const entry of readdirSync(DIST)) {
  if (entry.startsWith(PREFIX) && entry !== folder && entry !== previous && !entry.includes('.tmp-')) rmSync(path.join(DIST, entry), { recursive: true, force: true });
}
process.stdout.write(`CLI bundle written to dist/${folder} (${result.outputFiles.length} files)\n`);

/** The most recently written bundle folder other than `folder` (the build before this one). */
function newestBundleBesides(folder: string): string | undefined {
  const others = readdirSync(DIST).filter((e) => e.startsWith(PREFIX) && e !== folder && !e.includes('.tmp-'));
  return others.sort((a, b) => statSync(path.join(DIST, b)).mtimeMs - statSync(path.join(DIST, a)).mtimeMs)[0];
}
