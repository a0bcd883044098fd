import { DuckdbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { compileProject, type CompiledProject } from '../../src/compile/compile-project.js';
import type { GraphNode, ModelNode } from '../../src/manifest/types.js';
import { loadProject } from '../../src/project/load-project.js';
import { StrataError, StrataErrors } from '../../src/shared/errors.js';
import { duckdbProjectYaml, tempProject } from './temp-project.js';

/** Compiles an inline project (strata.yml added when missing) for DuckDB, without a database. */
export function compileInline(files: Record<string, string>, vars?: Record<string, unknown>): CompiledProject {
  const dir = tempProject({ 'strata.yml': duckdbProjectYaml(), ...files });
  return compileProject(loadProject(dir), { dialect: new DuckdbDialect(), vars });
}

/** The compiled model of that name. */
export function model(compiled: CompiledProject, name: string): ModelNode {
  const node = [...compiled.nodes.values()].find((n: GraphNode) => n.kind === 'model' && n.name === name);
  if (!node || node.kind !== 'model') throw new Error(`no model ${name}`);
  return node;
}

/** The errors a piece of work throws, flattened. */
export function errorsOf(work: () => unknown): StrataError[] {
  try {
    work();
  } catch (error) {
    if (error instanceof StrataErrors) return [...error.errors];
    if (error instanceof StrataError) return [error];
    throw error;
  }
  throw new Error('expected an error');
}
