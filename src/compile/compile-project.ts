import type { Dialect } from '../adapters/contract.js';
import { FolderConfig, mergeConfig } from '../config/folder-config.js';
import {
  MODEL_CONFIG_KEYS,
  modelConfigSchema,
  SEED_CONFIG_KEYS,
  seedConfigSchema,
  type ModelConfigInput,
  type SeedConfigInput,
} from '../config/model-config.js';
import { validate } from '../config/validate.js';
import { Dag } from '../graph/dag.js';
import type {
  ColumnInfo,
  ExposureNode,
  GraphNode,
  ModelNode,
  Relation,
  SeedNode,
  SourceNode,
} from '../manifest/types.js';
import type { ColumnProperties, ModelProperties, SeedProperties } from '../project/properties-schema.js';
import type { LoadedProject } from '../project/types.js';
import { sha256 } from '../shared/hash.js';
import { StrataError, StrataErrors } from '../shared/errors.js';
import { TemplateEngine, type RenderCapture } from '../templating/template-engine.js';
import { replaceTokens } from '../templating/tokens.js';
import type { TemplateCache } from '../templating/template-cache.js';
import { didYouMean } from './closest-name.js';
import { escapeRegExp, findLine } from './find-line.js';
import { inlineEphemerals, type EphemeralCte } from './inline-ephemerals.js';
import { toModelConfig, toSeedConfig } from './resolve-config.js';
import { checkStrategyConfig, withSourceLoad } from './resolve-strategy-config.js';
import { withImplicitSource } from './implicit-source.js';
import { compileTests } from '../data-tests/compile-tests.js';
import { compileUnitTests } from '../data-tests/compile-unit-tests.js';

export interface CompileOptions {
  readonly dialect: Dialect;
  /** `--vars` overrides, on top of strata.yml vars. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Whether `is_incremental()` is true for a model (its relation exists and no full refresh). */
  readonly isIncremental?: (modelName: string) => boolean;
  /** Where compiled SQL paths point (relative to the project). */
  readonly targetPath?: string;
  /** Compiled templates kept between runs. */
  readonly templateCache?: TemplateCache;
  /**
   * Where a model or seed named `name` lives instead of its configured relation `logical`
   * (releases build into versioned physical relations; `query --env` reads an environment's views).
   * Refs, `this` and tests all follow it.
   */
  readonly relationFor?: (name: string, logical: Relation) => Relation;
}

/** The compiled project: every node with its compiled SQL, the DAG, and non-fatal warnings. */
export interface CompiledProject {
  readonly project: LoadedProject;
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly dag: Dag;
  readonly engine: TemplateEngine;
  readonly warnings: readonly string[];
  /** Resolves a template's placeholders (for `strata query` and tests). */
  resolveSql(rendered: string, file: string, refs: RenderCapture): string;
}

interface RenderedModel {
  readonly file: LoadedProject['models'][number];
  readonly sql: string;
  readonly capture: RenderCapture;
  readonly config: ModelConfigInput;
  readonly properties?: { readonly props: ModelProperties; readonly file: string };
}

/**
 * Renders every model once and resolves refs, sources, configs and ephemeral CTEs into nodes.
 * Pure given the loaded project: no database is touched. Errors are gathered and thrown together.
 */
export function compileProject(project: LoadedProject, options: CompileOptions): CompiledProject {
  const { settings } = project;
  const { config, target } = settings;
  const projectName = config.name;
  const errors: StrataError[] = [];
  const warnings: string[] = [];
  const targetPath = options.targetPath ?? config.paths.target ?? 'target';
  const dialect = options.dialect;
  const gather = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      if (error instanceof StrataErrors) errors.push(...error.errors);
      else if (error instanceof StrataError) errors.push(error);
      else throw error;
      return undefined;
    }
  };

  const engine = new TemplateEngine({
    projectName,
    dialect,
    vars: { ...config.vars, ...(options.vars ?? {}) },
    target: { name: settings.targetName, schema: target.schema, type: target.adapter, threads: target.threads ?? 4 },
    docs: project.docs,
    macros: project.macros,
    cache: options.templateCache,
  });

  // Properties from YAML, by name.
  const modelProps = new Map<string, { props: ModelProperties; file: string }>();
  const seedProps = new Map<string, { props: SeedProperties; file: string }>();
  for (const { yaml, properties } of project.properties) {
    for (const props of properties.models ?? []) modelProps.set(props.name, { props, file: yaml.file });
    for (const props of properties.seeds ?? []) seedProps.set(props.name, { props, file: yaml.file });
  }

  const modelFolders = new FolderConfig<ModelConfigInput>(config.models, modelConfigSchema, MODEL_CONFIG_KEYS, settings.yaml, ['models']);
  const seedFolders = new FolderConfig<SeedConfigInput>(config.seeds, seedConfigSchema, SEED_CONFIG_KEYS, settings.yaml, ['seeds']);

  // 1. Render each model once, capturing refs, sources and config() calls.
  const rendered: RenderedModel[] = [];
  for (const file of project.models) {
    gather(() => {
      const out = engine.render(file.text, file.path, { isIncremental: options.isIncremental?.(file.name) ?? false });
      const inline = validate(modelConfigSchema, out.capture.config, {
        file: file.path,
        line: findLine(file.text, /config\s*\(/),
        node: file.name,
      });
      const props = modelProps.get(file.name);
      const merged = mergeConfig(mergeConfig(modelFolders.forFolder(file.folder), props?.props.config ?? {}), inline);
      const where = { file: file.path, line: findLine(file.text, /config\s*\(/), node: file.name };
      checkStrategyConfig(merged, new Set([...Object.keys(props?.props.config ?? {}), ...Object.keys(inline)]), where);
      const body = withImplicitSource(out.sql, out.capture, merged, where);
      rendered.push({ file, sql: body.sql, capture: body.capture, config: merged, properties: props });
    });
  }

  // 2. Nodes that can be referenced: enabled models and seeds, by name.
  const relationOf = (schema: string | undefined, identifier: string, name: string): Relation => {
    const logical = { schema: schema ?? target.schema, identifier };
    return options.relationFor ? options.relationFor(name, logical) : logical;
  };
  const byName = new Map<string, { id: string; relation: Relation; ephemeral: boolean }>();
  const disabled = new Set<string>();
  for (const model of rendered) {
    const cfg = toModelConfig(model.config);
    if (!cfg.enabled) {
      disabled.add(model.file.name);
      continue;
    }
    byName.set(model.file.name, {
      id: `model.${projectName}.${model.file.name}`,
      relation: relationOf(cfg.schema, cfg.alias ?? model.file.name, model.file.name),
      ephemeral: cfg.materialized === 'ephemeral',
    });
  }
  const nodes = new Map<string, GraphNode>();
  for (const seed of project.seeds) {
    gather(() => {
      const props = seedProps.get(seed.name);
      const cfg = toSeedConfig(mergeConfig(seedFolders.forFolder(seed.folder), props?.props.config ?? {}));
      if (!cfg.enabled) return;
      const id = `seed.${projectName}.${seed.name}`;
      if (byName.has(seed.name)) {
        throw new StrataError('duplicate_name', `seed '${seed.name}' has the same name as a model; ref() would be ambiguous`, { file: seed.path });
      }
      const relation = relationOf(cfg.schema, cfg.alias ?? seed.name, seed.name);
      byName.set(seed.name, { id, relation, ephemeral: false });
      const node: SeedNode = {
        kind: 'seed',
        uniqueId: id,
        name: seed.name,
        path: seed.path,
        fqn: [...seed.folder, seed.name],
        tags: cfg.tags,
        description: props ? gather(() => engine.renderDescription(props.props.description ?? '', props.file)) ?? '' : '',
        meta: cfg.meta,
        dependsOn: [],
        config: cfg,
        relation,
        checksum: '',
        columns: columnsOf(props?.props.columns, engine, props?.file ?? seed.path),
        tests: [...(props?.props.tests ?? []), ...(props?.props.data_tests ?? [])],
        patchPath: props?.file,
      };
      nodes.set(id, node);
    });
  }

  // 3. Sources and exposures from YAML.
  const sources = new Map<string, SourceNode>();
  for (const { yaml, properties } of project.properties) {
    for (const source of properties.sources ?? []) {
      for (const table of source.tables) {
        const id = `source.${projectName}.${source.name}.${table.name}`;
        const { name: _n, columns, tests, data_tests, description, tags, meta, identifier, ...tableSettings } = table;
        const node: SourceNode = {
          kind: 'source',
          uniqueId: id,
          name: `${source.name}.${table.name}`,
          sourceName: source.name,
          tableName: table.name,
          path: yaml.file,
          fqn: [source.name, table.name],
          tags: [...new Set([...(source.tags ?? []), ...(tags ?? [])])],
          description: gather(() => engine.renderDescription(description ?? source.description ?? '', yaml.file)) ?? '',
          meta: { ...(source.meta ?? {}), ...(meta ?? {}) },
          dependsOn: [],
          // A source fed from a landing zone is a raw table the loader writes (schema `raw` by default).
          relation: { schema: source.schema ?? (tableSettings.landing ? config.load.raw_schema : source.name), identifier: identifier ?? table.name },
          columns: columnsOf(columns, engine, yaml.file),
          tests: [...(tests ?? []), ...(data_tests ?? [])],
          settings: {
            ...tableSettings,
            freshness: tableSettings.freshness !== undefined ? tableSettings.freshness : source.freshness,
            loaded_at_field: tableSettings.loaded_at_field ?? source.loaded_at_field,
            on_error: tableSettings.on_error ?? source.on_error,
          },
        };
        sources.set(`${source.name}.${table.name}`, node);
        nodes.set(id, node);
      }
    }
  }

  const resolveRef = (name: string, file: string, text: string): { id: string; relation: Relation; ephemeral: boolean } | undefined => {
    const found = byName.get(name);
    if (found) return found;
    const line = findLine(text, new RegExp(`ref\\s*\\(\\s*(['"][^'"]*['"]\\s*,\\s*)?['"]${escapeRegExp(name)}['"]`));
    const why = disabled.has(name) ? `ref('${name}') names a disabled model` : `ref('${name}') names no model or seed${didYouMean(name, [...byName.keys()])}`;
    errors.push(new StrataError('unknown_ref', why, { file, line }));
    return undefined;
  };
  const resolveSource = (key: string, file: string, text: string): SourceNode | undefined => {
    const found = sources.get(key);
    if (found) return found;
    const [src, table] = key.split('.');
    const line = findLine(text, new RegExp(`source\\s*\\(\\s*['"]${escapeRegExp(src ?? '')}['"]`));
    errors.push(new StrataError('unknown_source', `source('${src}', '${table}') is not declared in any YAML file${didYouMean(key, [...sources.keys()])}`, { file, line }));
    return undefined;
  };

  // 4. Model nodes with resolved dependencies (ephemeral CTEs are inlined in a second pass).
  interface Pending {
    readonly model: RenderedModel;
    readonly node: Omit<ModelNode, 'compiledSql'>;
    readonly ephemeralRefs: string[];
  }
  const pending = new Map<string, Pending>();
  for (const model of rendered) {
    const entry = byName.get(model.file.name);
    if (!entry || disabled.has(model.file.name)) continue;
    const cfg = toModelConfig(model.config);
    const dependsOn = new Set<string>();
    const ephemeralRefs: string[] = [];
    for (const ref of model.capture.refs) {
      const target = resolveRef(ref, model.file.path, model.file.text);
      if (!target) continue;
      dependsOn.add(target.id);
      if (target.ephemeral && !ephemeralRefs.includes(target.id)) ephemeralRefs.push(target.id);
    }
    const readSources: SourceNode[] = [];
    for (const [src, table] of model.capture.sources) {
      const source = resolveSource(`${src}.${table}`, model.file.path, model.file.text);
      if (source) dependsOn.add(source.uniqueId);
      if (source) readSources.push(source);
    }
    const props = model.properties;
    const description = props ? gather(() => engine.renderDescription(props.props.description ?? '', props.file)) ?? '' : '';
    pending.set(entry.id, {
      model,
      ephemeralRefs,
      node: {
        kind: 'model',
        uniqueId: entry.id,
        name: model.file.name,
        path: model.file.path,
        fqn: [...model.file.folder, model.file.name],
        tags: cfg.tags,
        description,
        meta: { ...cfg.meta, ...(props?.props.meta ?? {}) },
        dependsOn: [...dependsOn],
        config: withSourceLoad(cfg, model.config.source_load, readSources),
        relation: entry.relation,
        rawSql: model.file.text,
        compiledPath: `${targetPath}/compiled/${model.file.path}`,
        checksum: sha256(model.file.text),
        columns: columnsOf(props?.props.columns, engine, props?.file ?? model.file.path),
        tests: [...(props?.props.tests ?? []), ...(props?.props.data_tests ?? [])],
        patchPath: props?.file,
      },
    });
  }
  for (const { props, file } of modelProps.values()) {
    if (!byName.has(props.name) && !disabled.has(props.name)) {
      warnings.push(`${file}: properties for model '${props.name}', which does not exist${didYouMean(props.name, [...byName.keys()])}`);
    }
  }

  for (const { yaml, properties } of project.properties) {
    for (const exposure of properties.exposures ?? []) {
      gather(() => {
        const dependsOn: string[] = [];
        exposure.depends_on.forEach((dep, index) => {
          const ref = /^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(dep);
          const src = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(dep);
          const line = yaml.lineOf(['exposures', (properties.exposures ?? []).indexOf(exposure), 'depends_on', index]);
          if (ref) {
            const found = byName.get(ref[1]!);
            if (found) dependsOn.push(found.id);
            else errors.push(new StrataError('unknown_ref', `exposure '${exposure.name}' depends on ${dep}, which names no model${didYouMean(ref[1]!, [...byName.keys()])}`, { file: yaml.file, line }));
          } else if (src) {
            const found = sources.get(`${src[1]}.${src[2]}`);
            if (found) dependsOn.push(found.uniqueId);
            else errors.push(new StrataError('unknown_source', `exposure '${exposure.name}' depends on ${dep}, which is not declared`, { file: yaml.file, line }));
          } else {
            errors.push(new StrataError('bad_depends_on', `depends_on entries must look like ref('model') or source('src', 'table'), got '${dep}'`, { file: yaml.file, line }));
          }
        });
        const node: ExposureNode = {
          kind: 'exposure',
          uniqueId: `exposure.${projectName}.${exposure.name}`,
          name: exposure.name,
          path: yaml.file,
          fqn: [exposure.name],
          tags: exposure.tags ?? [],
          description: engine.renderDescription(exposure.description ?? '', yaml.file),
          meta: exposure.meta ?? {},
          dependsOn,
          type: exposure.type,
          url: exposure.url,
          maturity: exposure.maturity,
          owner: exposure.owner ?? {},
          priority: priorityValue(exposure.priority),
        };
        nodes.set(node.uniqueId, node);
      });
    }
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new StrataErrors(errors);

  // 5. Substitute placeholders; ephemeral models become CTEs of their consumers.
  const cteName = (id: string): string => dialect.quoteIdentifier(`__strata_ephemeral__${id.split('.').pop()}`);
  const relationText = (id: string): string => {
    const pendingNode = pending.get(id);
    if (pendingNode) return pendingNode.node.config.materialized === 'ephemeral' ? cteName(id) : dialect.relation(pendingNode.node.relation);
    const other = nodes.get(id);
    if (other && (other.kind === 'seed' || other.kind === 'source')) return dialect.relation(other.relation);
    throw new StrataError('internal', `no relation for ${id}`);
  };
  const resolveSql = (sql: string, self?: Relation): string =>
    replaceTokens(sql, (kind, value) => {
      if (kind === 'ref') return relationText(byName.get(value)!.id);
      if (kind === 'src') return dialect.relation(sources.get(value)!.relation);
      if (!self) throw new StrataError('bad_this', '{{ this }} is only defined inside a model');
      return dialect.relation(self);
    });
  const ephemeralClosure = (ids: readonly string[], seen = new Set<string>(), order: string[] = []): string[] => {
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      ephemeralClosure(pending.get(id)?.ephemeralRefs ?? [], seen, order);
      order.push(id);
    }
    return order;
  };
  const dagForCycles = new Dag(new Map([...nodes, ...[...pending].map(([id, p]) => [id, { ...p.node, compiledSql: '' } as ModelNode] as const)]));
  dagForCycles.topologicalOrder(); // throws a cycle error naming its nodes before ephemerals recurse
  for (const [id, { model, node, ephemeralRefs }] of pending) {
    const ctes: EphemeralCte[] = ephemeralClosure(ephemeralRefs).map((eph) => ({
      name: cteName(eph),
      sql: resolveSql(pending.get(eph)!.model.sql),
    }));
    nodes.set(id, { ...node, compiledSql: inlineEphemerals(resolveSql(model.sql, node.relation), ctes) });
  }

  const resolveCaptured = (rendered: string, file: string, capture: RenderCapture): string => {
    for (const ref of capture.refs) resolveRef(ref, file, rendered);
    for (const [src, table] of capture.sources) resolveSource(`${src}.${table}`, file, rendered);
    if (errors.length) throw errors.length === 1 ? errors[0]! : new StrataErrors(errors.splice(0));
    const ephemerals = capture.refs.map((r) => byName.get(r)!).filter((r) => r.ephemeral).map((r) => r.id);
    const ctes = ephemeralClosure(ephemerals).map((eph) => ({ name: cteName(eph), sql: resolveSql(pending.get(eph)!.model.sql) }));
    return inlineEphemerals(resolveSql(rendered), ctes);
  };

  // 6. Data tests: generic ones declared in YAML, singular SQL files.
  const tests = compileTests({
    projectName,
    dialect,
    engine,
    nodes,
    singularTests: project.singularTests,
    resolve: resolveCaptured,
    idOfRef: (name) => byName.get(name)?.id,
    onError: (error) => errors.push(error),
  });
  const unitTests = compileUnitTests({
    projectName,
    dialect,
    engine,
    nodes,
    models: project.models,
    unitTests: project.properties.flatMap(({ yaml, properties }) => (properties.unit_tests ?? []).map((props) => ({ props, file: yaml.file }))),
    onError: (error) => errors.push(error),
  });
  if (errors.length) throw errors.length === 1 ? errors[0]! : new StrataErrors(errors);
  for (const test of [...tests, ...unitTests]) if (test.config.enabled) nodes.set(test.uniqueId, test);

  const dag = new Dag(nodes);
  return {
    project,
    nodes,
    dag,
    engine,
    warnings,
    resolveSql: resolveCaptured,
  };
}

function columnsOf(columns: readonly ColumnProperties[] | undefined, engine: TemplateEngine, file: string): ColumnInfo[] {
  return (columns ?? []).map((c) => ({
    name: c.name,
    description: engine.renderDescription(c.description ?? '', file),
    dataType: c.data_type,
    tags: c.tags ?? [],
    meta: c.meta ?? {},
    tests: [...(c.tests ?? []), ...(c.data_tests ?? [])],
  }));
}

const PRIORITIES: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };

function priorityValue(priority: string | number | undefined): number {
  if (priority === undefined) return 0;
  return typeof priority === 'number' ? priority : (PRIORITIES[priority] ?? 0);
}
