import path from 'node:path';
import { openProject, type CommonOptions } from './project-session.js';

export interface CompileOutcome {
  readonly nodeCount: number;
  readonly modelCount: number;
  readonly elapsedMs: number;
  readonly warnings: readonly string[];
  readonly manifestPath: string;
}

/** `strata compile`: renders every model and writes target/compiled and target/manifest.json. */
export function compile(options: CommonOptions & { readonly format?: boolean }): CompileOutcome {
  const started = Date.now();
  const session = openProject(options);
  const compiled = session.compile();
  session.writeArtifacts(compiled, { format: options.format ?? true });
  return {
    nodeCount: compiled.nodes.size,
    modelCount: [...compiled.nodes.values()].filter((n) => n.kind === 'model').length,
    elapsedMs: Date.now() - started,
    warnings: compiled.warnings,
    manifestPath: path.join(session.targetDir, 'manifest.json'),
  };
}
