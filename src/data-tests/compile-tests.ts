import type { Dialect } from '../adapters/contract.js';
import { validate } from '../config/validate.js';
import type { GraphNode, TestNode } from '../manifest/types.js';
import type { ProjectFile } from '../project/types.js';
import { StrataError, StrataErrors } from '../shared/errors.js';
import { sha256 } from '../shared/hash.js';
import type { RenderCapture, TemplateEngine } from '../templating/template-engine.js';
import { refToken, sourceToken, TemplateRelation } from '../templating/tokens.js';
import { findLine } from '../compile/find-line.js';
import { anomalyArgs, ANOMALY_TESTS } from './anomaly/anomaly-tests.js';
import { compileFreshness } from './compile-freshness.js';
import { GENERIC_TESTS, TEST_ALIASES } from './generic-tests.js';
import { parseTestEntry } from './parse-test-entry.js';
import { testConfigSchema, toTestConfig } from './test-config.js';

export interface CompileTestsInput {
  readonly projectName: string;
  readonly dialect: Dialect;
  readonly engine: TemplateEngine;
  /** Models, seeds and sources, whose declared tests are compiled. */
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** Config every test starts from (strata.yml `data_tests:`, dbt_project.yml `tests:`); the test's own config wins. */
  readonly testDefaults?: Readonly<Record<string, unknown>>;
  readonly singularTests: readonly ProjectFile[];
  /** Resolves placeholders (refs, sources, ephemeral CTEs), validating every ref. */
  readonly resolve: (sql: string, file: string, capture: RenderCapture) => string;
  /** Unique id of the model or seed a ref names. */
  readonly idOfRef: (name: string) => string | undefined;
  readonly onError: (error: StrataError) => void;
}

const TESTED_CTE = 'strata_tested';

/** Test nodes for every test declared in YAML (generic) and every SQL file in the tests folder (singular). */
export function compileTests(input: CompileTestsInput): TestNode[] {
  const tests: TestNode[] = [];
  const usedNames = new Set<string>();
  const uniqueName = (base: string, detail: string): string => {
    let name = base.replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+$/, '');
    if (usedNames.has(name)) name = `${name}_${sha256(detail).slice(0, 8)}`;
    usedNames.add(name);
    return name;
  };

  for (const node of input.nodes.values()) {
    if (node.kind !== 'model' && node.kind !== 'seed' && node.kind !== 'source') continue;
    if (node.kind === 'model' && node.config.materialized === 'ephemeral' && (node.tests.length || node.columns.some((c) => c.tests.length))) {
      input.onError(new StrataError('bad_test', 'ephemeral models have no relation to test', { node: node.name, file: node.path }));
      continue;
    }
    const declared: { entry: unknown; column?: string }[] = [
      ...node.tests.map((entry) => ({ entry })),
      ...node.columns.flatMap((c) => c.tests.map((entry) => ({ entry, column: c.name }))),
    ];
    const file = node.kind === 'source' ? node.path : (node.patchPath ?? node.path);
    if (node.kind === 'source') {
      try {
        const freshness = compileFreshness(node, input.projectName, input.resolve);
        if (freshness) tests.push(freshness);
      } catch (error) {
        if (!(error instanceof StrataError)) throw error;
        input.onError(error);
      }
    }
    for (const { entry, column } of declared) {
      try {
        tests.push(compileGeneric(input, node, entry, column, file, uniqueName));
      } catch (error) {
        if (error instanceof StrataErrors) error.errors.forEach(input.onError);
        else if (error instanceof StrataError) {
          input.onError(new StrataError(error.code, error.message, { file, node: node.name, key: column ? `columns.${column}.tests` : 'tests' }));
        } else throw error;
      }
    }
  }
  for (const file of input.singularTests) {
    try {
      tests.push(compileSingular(input, file, uniqueName));
    } catch (error) {
      if (error instanceof StrataErrors) error.errors.forEach(input.onError);
      else if (error instanceof StrataError) input.onError(error.location.file ? error : new StrataError(error.code, error.message, { file: file.path }));
      else throw error;
    }
  }
  return tests;
}

function compileGeneric(
  input: CompileTestsInput,
  node: Extract<GraphNode, { kind: 'model' | 'seed' | 'source' }>,
  entry: unknown,
  column: string | undefined,
  file: string,
  uniqueName: (base: string, detail: string) => string,
): TestNode {
  const declaration = parseTestEntry(entry);
  const testName = TEST_ALIASES[declaration.testName] ?? declaration.testName;
  const anomaly = ANOMALY_TESTS[testName] !== undefined;
  // Anomalies warn unless the project says otherwise: noise should not fail a build by default.
  const configInput = validate(testConfigSchema, { ...input.testDefaults, ...declaration.config }, { file, node: node.name });
  const config = toTestConfig(anomaly ? { severity: 'warn', ...configInput } : configInput, node.tags);
  const capture: RenderCapture = { refs: [], sources: [], config: {} };
  const tested = node.kind === 'source' ? sourceToken(node.sourceName, node.tableName) : refToken(node.name);
  if (node.kind === 'source') capture.sources.push([node.sourceName, node.tableName]);
  else capture.refs.push(node.name);
  const relation = config.where ? TESTED_CTE : tested;
  const builtin = GENERIC_TESTS[testName];
  let body: string;
  let args: Readonly<Record<string, unknown>> = declaration.args;
  if (anomaly) {
    const defaultTime = node.kind === 'source' ? (node.settings.loaded_at_field ?? (node.settings.landing ? '_loaded_at' : undefined)) : undefined;
    args = anomalyArgs(testName, column, declaration.args, defaultTime) as unknown as Record<string, unknown>;
    body = `select * from ${relation}`;
  } else if (builtin) {
    body = builtin({
      relation,
      column,
      args: declaration.args,
      dialect: input.dialect,
      addRef: (kind, name, table) => (kind === 'ref' ? capture.refs.push(name) : capture.sources.push([name, table!])),
    });
  } else {
    const custom = input.engine.callMacro(
      `test_${testName}`,
      { ...declaration.args, model: new TemplateRelation(relation, node.name), column_name: column },
      file,
    );
    if (!custom) {
      throw new StrataError('unknown_test', `unknown test '${testName}': not a built-in test (${Object.keys(GENERIC_TESTS).join(', ')}) and no {% test ${testName}(model, column_name) %} macro`);
    }
    body = custom.sql.trim();
    capture.refs.push(...custom.capture.refs);
    capture.sources.push(...custom.capture.sources);
  }
  const sql = config.where ? `with ${TESTED_CTE} as (select * from ${tested} where ${config.where})\n${body}` : body;
  const baseName = declaration.customName ?? [testName, node.kind === 'source' ? `${node.sourceName}_${node.tableName}` : node.name, column].filter(Boolean).join('_');
  const name = uniqueName(baseName, JSON.stringify([node.uniqueId, column, entry]));
  return {
    kind: 'test',
    uniqueId: `test.${input.projectName}.${name}`,
    name,
    path: file,
    fqn: [...node.fqn, name],
    tags: config.tags,
    description: '',
    meta: config.meta,
    dependsOn: dependencies(input, node.uniqueId, capture),
    testType: anomaly ? 'anomaly' : 'generic',
    testName,
    attachedNode: node.uniqueId,
    column,
    args,
    config,
    compiledSql: input.resolve(sql, file, capture),
    checksum: sha256(JSON.stringify(entry)),
  };
}

function compileSingular(input: CompileTestsInput, file: ProjectFile, uniqueName: (base: string, detail: string) => string): TestNode {
  const rendered = input.engine.render(file.text, file.path);
  if (rendered.capture.live) {
    throw new StrataError('dbt_unsupported', 'a test that reads the database while it is rendered (execute, run_query, …) is not supported: write the query in the test SQL itself', { file: file.path });
  }
  const config = toTestConfig(
    validate(testConfigSchema, { ...input.testDefaults, ...rendered.capture.config }, { file: file.path, line: findLine(file.text, /config\s*\(/) }),
    [],
  );
  const base = file.path.split('/').pop()!.replace(/\.sql$/, '');
  const name = uniqueName(base, file.path);
  const dependsOn = dependencies(input, undefined, rendered.capture);
  return {
    kind: 'test',
    uniqueId: `test.${input.projectName}.${name}`,
    name,
    path: file.path,
    fqn: [name],
    tags: config.tags,
    description: '',
    meta: config.meta,
    dependsOn,
    testType: 'singular',
    testName: base,
    attachedNode: dependsOn[0],
    args: {},
    config,
    compiledSql: input.resolve(rendered.sql.trim().replace(/;\s*$/, ''), file.path, rendered.capture),
    checksum: sha256(file.text),
  };
}

function dependencies(input: CompileTestsInput, attached: string | undefined, capture: RenderCapture): string[] {
  const ids = new Set<string>(attached ? [attached] : []);
  for (const ref of capture.refs) {
    const id = input.idOfRef(ref);
    if (id) ids.add(id);
  }
  for (const [source, table] of capture.sources) ids.add(`source.${input.projectName}.${source}.${table}`);
  return [...ids];
}
