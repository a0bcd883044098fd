import { parse } from 'csv-parse/sync';
import type { Dialect } from '../adapters/contract.js';
import type { GraphNode, Relation, TestNode } from '../manifest/types.js';
import type { UnitTestProperties } from '../project/properties-schema.js';
import type { ModelFile } from '../project/types.js';
import { inferColumnType } from '../seeds/infer-column-type.js';
import { StrataError } from '../shared/errors.js';
import { sha256 } from '../shared/hash.js';
import type { TemplateEngine } from '../templating/template-engine.js';
import { replaceTokens } from '../templating/tokens.js';
import { toTestConfig } from './test-config.js';

/** A fixture table of a unit test: its relation, typed columns and rows (text or NULL). */
export interface UnitFixture {
  readonly relation: Relation;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** What a unit test node carries in `args`. */
export interface UnitTestArgs {
  readonly given: readonly UnitFixture[];
  readonly expect: readonly Record<string, unknown>[];
}

export interface CompileUnitTestsInput {
  readonly projectName: string;
  readonly dialect: Dialect;
  readonly engine: TemplateEngine;
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly models: readonly ModelFile[];
  readonly unitTests: readonly { readonly props: UnitTestProperties; readonly file: string }[];
  readonly onError: (error: StrataError) => void;
}

const FIXTURE_SCHEMA = 'strata_unit';

/** Unit test nodes: the model's SQL rendered against fixture tables, run later on an in-memory DuckDB. */
export function compileUnitTests(input: CompileUnitTestsInput): TestNode[] {
  const out: TestNode[] = [];
  for (const { props, file } of input.unitTests) {
    try {
      if (props.config?.enabled === false) continue;
      out.push(compileOne(input, props, file));
    } catch (error) {
      if (!(error instanceof StrataError)) throw error;
      input.onError(new StrataError(error.code, error.message, { file, node: props.name }));
    }
  }
  return out;
}

function compileOne(input: CompileUnitTestsInput, props: UnitTestProperties, file: string): TestNode {
  const model = input.models.find((m) => m.name === props.model);
  const modelNode = input.nodes.get(`model.${input.projectName}.${props.model}`);
  if (!model || !modelNode) throw new StrataError('unknown_model', `unit test '${props.name}' names model '${props.model}', which does not exist`);
  const rendered = input.engine.render(model.text, model.path, {
    isIncremental: props.overrides?.macros?.is_incremental ?? false,
    vars: props.overrides?.vars,
  });
  const given = new Map<string, UnitFixture>();
  for (const entry of props.given) {
    const key = inputKey(entry.input);
    const rows = asRows(entry.rows, entry.format);
    given.set(key, fixture(key, rows, declaredTypes(input, key)));
  }
  const sql = replaceTokens(rendered.sql, (kind, value) => {
    const key = kind === 'this' ? 'this' : kind === 'ref' ? `ref:${value}` : `source:${value}`;
    const found = given.get(key);
    if (!found) {
      const shown = kind === 'this' ? 'this' : kind === 'ref' ? `ref('${value}')` : `source('${value.replace('.', "', '")}')`;
      throw new StrataError('unit_test_input', `unit test '${props.name}': model '${props.model}' reads ${shown}, which has no 'given' rows`);
    }
    return input.dialect.relation(found.relation);
  });
  const tags = props.config?.tags === undefined ? [] : typeof props.config.tags === 'string' ? [props.config.tags] : props.config.tags;
  const args: UnitTestArgs = { given: [...given.values()], expect: asRows(props.expect.rows, props.expect.format) };
  return {
    kind: 'test',
    uniqueId: `test.${input.projectName}.unit.${props.name}`,
    name: props.name,
    path: file,
    fqn: [...modelNode.fqn, props.name],
    tags: toTestConfig({}, tags).tags,
    description: props.description ?? '',
    meta: {},
    dependsOn: [modelNode.uniqueId],
    testType: 'unit',
    testName: 'unit',
    attachedNode: modelNode.uniqueId,
    args: args as unknown as Record<string, unknown>,
    config: toTestConfig({}, tags),
    compiledSql: sql,
    checksum: sha256(JSON.stringify(props) + model.text),
  };
}

/** `ref('x')` → `ref:x`, `source('a', 'b')` → `source:a.b`, `this` → `this`. */
function inputKey(text: string): string {
  if (text.trim() === 'this') return 'this';
  const ref = /^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(text);
  if (ref) return `ref:${ref[1]}`;
  const src = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(text);
  if (src) return `source:${src[1]}.${src[2]}`;
  throw new StrataError('unit_test_input', `a unit test input must be ref('model'), source('src', 'table') or this, got '${text}'`);
}

function asRows(rows: readonly Record<string, unknown>[] | string, format: 'dict' | 'csv'): Record<string, unknown>[] {
  if (typeof rows !== 'string') return rows.map((r) => ({ ...r }));
  if (format !== 'csv') throw new StrataError('unit_test_rows', "rows given as text need 'format: csv'");
  return parse(rows.trim(), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, unknown>[];
}

/** Column types declared in YAML for the node an input names. */
function declaredTypes(input: CompileUnitTestsInput, key: string): Map<string, string> {
  const types = new Map<string, string>();
  const id = key.startsWith('ref:') ? [`model.${input.projectName}.${key.slice(4)}`, `seed.${input.projectName}.${key.slice(4)}`] : key.startsWith('source:') ? [`source.${input.projectName}.${key.slice(7)}`] : [];
  for (const candidate of id) {
    const node = input.nodes.get(candidate);
    if (node && (node.kind === 'model' || node.kind === 'seed' || node.kind === 'source')) {
      for (const column of node.columns) if (column.dataType) types.set(column.name, column.dataType);
    }
    if (node?.kind === 'seed') for (const [name, type] of Object.entries(node.config.columnTypes)) types.set(name, type);
  }
  return types;
}

function fixture(key: string, rows: readonly Record<string, unknown>[], declared: Map<string, string>): UnitFixture {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const text = (value: unknown): string | null => (value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : String(value));
  const columns = names.map((name) => ({
    name,
    type: declared.get(name) ?? logicalName(inferColumnType(rows.map((r) => text(r[name]) ?? ''))),
  }));
  return {
    relation: { schema: FIXTURE_SCHEMA, identifier: key.replace(/[^A-Za-z0-9_]+/g, '__') },
    columns,
    rows: rows.map((r) => names.map((n) => text(r[n]))),
  };
}

function logicalName(type: ReturnType<typeof inferColumnType>): string {
  if (typeof type === 'object') return `decimal(${type.decimal[0]},${type.decimal[1]})`;
  return type === 'text' ? 'varchar' : type;
}
