import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { validate } from '../config/validate.js';
import type { ProjectFiles } from '../project/project-files.js';
import { sha256 } from '../shared/hash.js';
import { StrataError, StrataErrors } from '../shared/errors.js';
import { transformerDeclarationSchema, type TransformerDeclaration } from './transformer-declaration.js';

/** A transformer model's file, bundled and with its declaration read (what compile needs). */
export interface TransformerFile {
  /** Relative to the project root, with forward slashes. */
  readonly path: string;
  readonly name: string;
  /** Folder below its models root (for folder config defaults). */
  readonly folder: readonly string[];
  readonly text: string;
  /** The bundled ES module, relative to the project root. */
  readonly bundlePath: string;
  /** SHA-256 of the bundle: changes when the file or anything it imports from the project changes. */
  readonly codeHash: string;
  readonly declaration: TransformerDeclaration;
}

/** Model files that are transformers (declarations of types excluded). */
const PATTERNS = ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'];
/** Declarations of types, packages, and helpers a transformer imports (files starting with `_`) are not models. */
const IGNORE = ['**/*.d.ts', '**/*.d.mts', '**/node_modules/**', '**/_*'];
const DECLARATION_CACHE_FORMAT = 1;
/** Stops a module whose top level never returns while its declaration is read. */
const DECLARATION_TIMEOUT_MS = 15_000;
const MARK = '@@strata-declaration@@';

/**
 * The `.ts`/`.js` files of the model folders, each bundled with esbuild (its imports of project
 * files included, packages left as imports) into `<target>/transformers/`, and its declaration
 * read by importing the bundle in a separate Node process (so top-level code never runs in
 * Strata's own process). Declarations are cached by the bundle's hash. Errors name the file.
 */
export function readTransformerFiles(root: string, modelRoots: readonly string[], targetPath: string, projectFiles: ProjectFiles): { files: TransformerFile[]; errors: StrataError[] } {
  const found: { rel: string; modelRoot: string }[] = [];
  for (const modelRoot of modelRoots) {
    for (const rel of projectFiles.list(modelRoot, PATTERNS, IGNORE)) found.push({ rel, modelRoot });
  }
  if (found.length === 0) return { files: [], errors: [] };
  const outDir = path.resolve(root, targetPath, 'transformers');
  const cacheFile = path.join(outDir, 'declarations.json');
  const cache = readCache(cacheFile);
  const used = new Map<string, unknown>();
  const files: TransformerFile[] = [];
  const errors: StrataError[] = [];
  for (const { rel, modelRoot } of found) {
    try {
      const text = readFileSync(path.join(root, rel), 'utf8');
      const bundle = bundle1(root, rel);
      const codeHash = sha256(bundle);
      const name = path.posix.basename(rel).replace(/\.(m?ts|m?js)$/, '');
      const bundleRel = path.posix.join(targetPath.split(path.sep).join('/'), 'transformers', `${rel.replace(/[\\/]/g, '__')}.mjs`);
      const bundleAbs = path.resolve(root, bundleRel);
      if (!existsSync(bundleAbs) || readFileSync(bundleAbs, 'utf8') !== bundle) {
        mkdirSync(path.dirname(bundleAbs), { recursive: true });
        writeFileSync(bundleAbs, bundle);
      }
      const raw = cache.has(codeHash) ? cache.get(codeHash) : extractDeclaration(bundleAbs, rel);
      used.set(codeHash, raw);
      const declaration = validate(transformerDeclarationSchema, raw, { file: rel, node: name });
      const inner = path.posix.relative(modelRoot.split(path.sep).join('/'), rel);
      const folder = path.posix.dirname(inner) === '.' ? [] : path.posix.dirname(inner).split('/');
      files.push({ path: rel, name, folder, text, bundlePath: bundleRel, codeHash, declaration });
    } catch (error) {
      if (error instanceof StrataErrors) errors.push(...error.errors);
      else if (error instanceof StrataError) errors.push(error);
      else throw error;
    }
  }
  writeCache(cacheFile, used);
  return { files, errors };
}

interface EsbuildMessage {
  readonly text: string;
  readonly location?: { readonly file: string; readonly line: number; readonly column: number } | null;
}

/** Bundles one file (sync: project loading is). esbuild is loaded only when a project has transformers. */
function bundle1(root: string, rel: string): string {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  } catch {
    throw new StrataError('transformer_build', 'transformer models need the esbuild package: npm install esbuild', { file: rel });
  }
  try {
    const result = esbuild.buildSync({
      absWorkingDir: root,
      entryPoints: [path.join(root, rel)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
    });
    return result.outputFiles[0]?.text ?? '';
  } catch (error) {
    const messages = ((error as { errors?: EsbuildMessage[] }).errors ?? []).map(
      (m) => new StrataError('transformer_build', m.text, { file: m.location?.file ?? rel, line: m.location?.line, column: m.location ? m.location.column + 1 : undefined }),
    );
    if (messages.length === 0) throw new StrataError('transformer_build', error instanceof Error ? error.message : String(error), { file: rel });
    throw messages.length === 1 ? messages[0]! : new StrataErrors(messages);
  }
}

/** Imports the bundle in a child process and returns its default export without the function. */
function extractDeclaration(bundleAbs: string, rel: string): unknown {
  const script = `
    const { pathToFileURL } = await import('node:url');
    let out;
    try {
      const m = await import(pathToFileURL(process.argv[1]).href);
      const t = m.default ?? m.transformer;
      if (!t || typeof t !== 'object') out = { error: 'the file must export a transformer object as its default export: { inputs, columns, transform }' };
      else if (typeof t.transform !== 'function') out = { error: "the transformer's transform must be a function" };
      else { const { transform, ...rest } = t; out = { declaration: JSON.parse(JSON.stringify(rest)) }; }
    } catch (e) { out = { error: 'importing it failed: ' + (e && e.message ? e.message : String(e)) }; }
    process.stdout.write('\\n${MARK}' + JSON.stringify(out) + '\\n');
    process.exit(0);
  `;
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, bundleAbs], {
      encoding: 'utf8',
      timeout: DECLARATION_TIMEOUT_MS,
      // Its top-level code sees no credentials: only what Node needs to run.
      env: { PATH: process.env.PATH ?? '', TZ: process.env.TZ ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: path.dirname(bundleAbs),
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { signal?: string; stderr?: string; message?: string };
    const why = e.signal === 'SIGTERM' ? `its top-level code did not finish within ${DECLARATION_TIMEOUT_MS / 1000}s` : (e.stderr || e.message || String(error)).trim().split('\n').slice(0, 3).join(' ');
    throw new StrataError('transformer_declaration', `cannot read the transformer's declaration: ${why}`, { file: rel });
  }
  const at = stdout.lastIndexOf(MARK);
  const parsed = at < 0 ? { error: 'no declaration was printed' } : (JSON.parse(stdout.slice(at + MARK.length).trim()) as { error?: string; declaration?: unknown });
  if (parsed.error !== undefined) throw new StrataError('transformer_declaration', parsed.error, { file: rel });
  return parsed.declaration;
}

function readCache(file: string): Map<string, unknown> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: number; entries?: Record<string, unknown> };
    return parsed.format === DECLARATION_CACHE_FORMAT && parsed.entries ? new Map(Object.entries(parsed.entries)) : new Map();
  } catch {
    return new Map();
  }
}

function writeCache(file: string, entries: ReadonlyMap<string, unknown>): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const next = JSON.stringify({ format: DECLARATION_CACHE_FORMAT, entries: Object.fromEntries(entries) });
    if (existsSync(file) && readFileSync(file, 'utf8') === next) return;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, next);
    renameSync(temporary, file);
  } catch {
    // Only costs a re-read next time.
  }
}
