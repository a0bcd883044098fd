import path from 'node:path';
import type { Adapter, Dialect, OpenOptions } from '../adapters/contract.js';
import { createAdapter, dialectFor } from '../adapters/create-adapter.js';
import { compileProject, type CompiledProject, type CompileOptions } from '../compile/compile-project.js';
import { writeCompiled } from '../compile/write-compiled.js';
import { buildManifest } from '../manifest/build-manifest.js';
import type { ModelNode } from '../manifest/types.js';
import { writeJsonArtifact } from '../manifest/write-artifact.js';
import { loadProject } from '../project/load-project.js';
import { TemplateCache } from '../templating/template-cache.js';
import type { LoadedProject } from '../project/types.js';

/** Options every command shares. */
export interface CommonOptions {
  readonly projectDir: string;
  readonly target?: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly threads?: number;
}

/** A loaded project with its dialect, ready to compile or connect. */
export interface ProjectSession {
  readonly root: string;
  readonly project: LoadedProject;
  readonly dialect: Dialect;
  readonly targetDir: string;
  readonly threads: number;
  /** `relationFor` moves models and seeds to other relations (see CompileOptions). */
  compile(isIncremental?: (modelName: string) => boolean, options?: Pick<CompileOptions, 'relationFor'>): CompiledProject;
  /** Opens the target's adapter; a run takes the run lock (the default), reading commands pass `{ runLock: false }`. */
  connect(options?: OpenOptions): Promise<Adapter>;
  /** Writes compiled SQL (formatted only when asked) and manifest.json for a compiled project. */
  writeArtifacts(compiled: CompiledProject, options?: { format?: boolean }): void;
}

/** Loads the project in `projectDir` for the chosen target. */
export function openProject(options: CommonOptions): ProjectSession {
  const root = path.resolve(options.projectDir);
  const project = loadProject(root, { target: options.target });
  const { settings } = project;
  const dialect = dialectFor(settings.target);
  const targetPath = settings.config.paths.target ?? 'target';
  const threads = options.threads ?? settings.target.threads ?? 4;
  return {
    root,
    project,
    dialect,
    threads,
    targetDir: path.join(root, targetPath),
    compile: (isIncremental, compileOptions) => {
      const templateCache = TemplateCache.open(path.join(root, targetPath, 'partial_parse.json'));
      const compiled = compileProject(project, { dialect, vars: options.vars, isIncremental, targetPath, templateCache, relationFor: compileOptions?.relationFor });
      templateCache.save();
      return compiled;
    },
    connect: async (openOptions) => {
      const adapter = await createAdapter(settings.target, root, threads);
      await adapter.open(openOptions);
      return adapter;
    },
    writeArtifacts(compiled, writeOptions = {}) {
      const models = [...compiled.nodes.values()].filter((n): n is ModelNode => n.kind === 'model');
      // Only `strata compile` formats by default: formatting costs milliseconds per model.
      writeCompiled(root, path.join(root, targetPath), models, dialect, { format: writeOptions.format ?? false });
      writeJsonArtifact(path.join(root, targetPath, 'manifest.json'), buildManifest(compiled));
    },
  };
}
