import type { Dialect } from '../adapters/contract.js';
import { mergeConfig, type FolderConfig } from '../config/folder-config.js';
import { modelConfigSchema, type ModelConfigInput } from '../config/model-config.js';
import { validate } from '../config/validate.js';
import type { ColumnInfo, GraphNode, ModelNode, Relation, TransformerSpec } from '../manifest/types.js';
import { parseTypeName } from '../load/parse-type-name.js';
import type { ModelProperties } from '../project/properties-schema.js';
import { StrataError } from '../shared/errors.js';
import type { RenderCapture } from '../templating/template-engine.js';
import type { TransformerFile } from '../transformers/read-transformer-files.js';

/** A transformer in the shape compile gives every model before resolving it: no SQL yet, its inputs as captured refs and sources. */
export interface TransformerRender {
  readonly file: { readonly path: string; readonly text: string; readonly name: string; readonly folder: readonly string[] };
  readonly sql: string;
  readonly capture: RenderCapture;
  readonly config: ModelConfigInput;
  readonly properties?: { readonly props: ModelProperties; readonly file: string };
  readonly baseConfig: Readonly<Record<string, unknown>>;
  readonly isIncremental: boolean;
}

/**
 * Turns transformer files into models to resolve like any other: their declared inputs become
 * refs and sources, their config merges folder defaults, YAML `config:` and the declaration's
 * `config` (where `materialized` can only be `table`: the output is ingested into a table).
 */
export function transformerRenders(
  files: readonly TransformerFile[],
  folders: FolderConfig<ModelConfigInput>,
  modelProps: ReadonlyMap<string, { props: ModelProperties; file: string }>,
  sqlModels: readonly { readonly name: string; readonly path: string }[],
  onError: (error: StrataError) => void,
): TransformerRender[] {
  const out: TransformerRender[] = [];
  for (const file of files) {
    const where = { file: file.path, node: file.name };
    const clash = sqlModels.find((m) => m.name === file.name);
    if (clash) {
      onError(new StrataError('duplicate_model', `model '${file.name}' is also defined in ${clash.path}`, { file: file.path }));
      continue;
    }
    try {
      const props = modelProps.get(file.name);
      const base = mergeConfig(folders.forFolder(file.folder), props?.props.config ?? {});
      const inline = validate(modelConfigSchema, file.declaration.config, { ...where, path: ['config'] });
      const merged = mergeConfig(base, inline);
      if (merged.materialized !== undefined && merged.materialized !== 'table' && 'materialized' in inline) {
        throw new StrataError('invalid_config', `a transformer's output is ingested into a table: materialized must be 'table', got '${merged.materialized}'`, { ...where, key: 'config.materialized' });
      }
      const sources = file.declaration.inputs.sources.map((s) => s.split('.') as [string, string]);
      out.push({
        file: { path: file.path, text: file.text, name: file.name, folder: file.folder },
        sql: '',
        capture: { refs: [...file.declaration.inputs.refs], sources, config: {} },
        config: { ...merged, materialized: 'table' },
        properties: props,
        baseConfig: base,
        isIncremental: false,
      });
    } catch (error) {
      if (error instanceof StrataError) onError(error);
      else throw error;
    }
  }
  return out;
}

/**
 * Completes the compiled node of each transformer: its spec (inputs resolved to relations, its own
 * `dt_` tables beside its relation), the SQL that ingests its output, a checksum of its code, and
 * its columns typed from the declaration (YAML descriptions kept).
 */
export function completeTransformers(nodes: Map<string, GraphNode>, files: readonly TransformerFile[], dialect: Dialect, onError: (error: StrataError) => void): void {
  const byName = new Map([...nodes.values()].filter((n): n is ModelNode => n.kind === 'model').map((n) => [n.name, n]));
  for (const file of files) {
    const node = byName.get(file.name);
    if (!node || node.path !== file.path) continue;
    const where = { file: file.path, node: file.name };
    const decl = file.declaration;
    const inputs: TransformerSpec['inputs'][number][] = [];
    for (const ref of decl.inputs.refs) {
      const target = byName.get(ref) ?? [...nodes.values()].find((n) => n.kind === 'seed' && n.name === ref);
      if (!target || (target.kind !== 'model' && target.kind !== 'seed')) continue; // reported by compile as an unknown ref
      if (target.kind === 'model' && target.config.materialized === 'ephemeral') {
        onError(new StrataError('invalid_input', `input '${ref}' is an ephemeral model, which has no relation to read: materialize it as a view or table`, { ...where, key: 'inputs.refs' }));
        continue;
      }
      inputs.push({ name: ref, uniqueId: target.uniqueId, relation: target.relation });
    }
    for (const source of decl.inputs.sources) {
      const target = [...nodes.values()].find((n) => n.kind === 'source' && n.name === source);
      if (target && target.kind === 'source') inputs.push({ name: source, uniqueId: target.uniqueId, relation: target.relation });
    }
    const columns = typedColumns(decl.columns, where, 'columns', onError);
    const own = (suffix: string): Relation => ({ schema: node.relation.schema, identifier: `dt_${node.relation.identifier}${suffix}` });
    const tables = Object.entries(decl.tables).map(([name, cols]) => ({ name, relation: own(`__${name}`), columns: typedColumns(cols, where, `tables.${name}`, onError) }));
    const spec: TransformerSpec = {
      bundlePath: file.bundlePath,
      codeHash: file.codeHash,
      inputs,
      output: own(''),
      columns,
      tables,
      timeoutMs: Math.round(decl.timeoutSeconds * 1000),
      memoryMb: decl.memoryMb,
      env: decl.env,
    };
    const documented = new Map(node.columns.map((c) => [c.name, c]));
    const merged: ColumnInfo[] = columns.map((c) => {
      const doc = documented.get(c.name);
      return doc ? { ...doc, dataType: doc.dataType ?? c.type } : { name: c.name, description: '', dataType: c.type, tags: [], meta: {}, tests: [] };
    });
    for (const doc of node.columns) if (!columns.some((c) => c.name === doc.name)) merged.push(doc);
    nodes.set(node.uniqueId, {
      ...node,
      description: node.description || decl.description || '',
      compiledSql: `select ${columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')}\nfrom ${dialect.relation(spec.output)}`,
      // The ingesting SELECT, written as SQL beside the other compiled models.
      compiledPath: node.compiledPath.replace(/\.(m?ts|m?js)$/, '.sql'),
      checksum: file.codeHash,
      columns: merged,
      transformer: spec,
    });
  }
}

function typedColumns(columns: Readonly<Record<string, string>>, where: { file: string; node: string }, key: string, onError: (error: StrataError) => void): { name: string; type: string }[] {
  return Object.entries(columns).map(([name, type]) => {
    if (parseTypeName(type) === undefined) {
      onError(
        new StrataError('bad_column_type', `column '${name}' has type '${type}': use boolean, integer, bigint, double, decimal(p,s), text, date, timestamp, timestamptz or json`, { ...where, key: `${key}.${name}` }),
      );
    }
    return { name, type };
  });
}
