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
import { dbtInlineConfig } from '../config/dbt/dbt-config-keys.js';
import { SNAPSHOT_CONFIG_KEYS, snapshotConfigSchema, type SnapshotConfigInput } from '../config/snapshot-config.js';
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
import type { ColumnProperties, ModelProperties, SeedProperties, SnapshotProperties } from '../project/properties-schema.js';
import type { LoadedProject } from '../project/types.js';
import { sha256 } from '../shared/hash.js';
import { StrataError, StrataErrors } from '../shared/errors.js';
import { TemplateEngine, type RenderCapture } from '../templating/template-engine.js';
import { parseToken, replaceTokens, type RelationPart, type TokenKind } from '../templating/tokens.js';
import type { LiveRequest } from '../templating/dbt/live-context.js';
import type { TemplateCache } from '../templating/template-cache.js';
import { didYouMean } from './closest-name.js';
import { escapeRegExp, findLine } from './find-line.js';
import { inlineEphemerals, type EphemeralCte } from './inline-ephemerals.js';
import { toModelConfig, toSeedConfig } from './resolve-config.js';
import { checkStrategyConfig, withSourceLoad } from './resolve-strategy-config.js';
import { withImplicitSource } from './implicit-source.js';
import { relationNaming, type NamedNode } from './relation-naming.js';
import { resolveSnapshotConfig, type ResolvedSnapshotConfig } from './resolve-snapshot-config.js';
import { templateTarget } from './template-target.js';
import { completeTransformers, transformerRenders } from './compile-transformers.js';
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
  /**
   * Models whose templates depend on the database (dbt's `execute`, `run_query`,
   * `dbt_utils.star`, …): their compiled SQL is the `execute = false` rendering, and they are
   * rendered again with `renderLive` when they run.
   */
  readonly liveModels: ReadonlySet<string>;
  /**
   * Renders a live model again with `execute` true; `answer` answers what the template asks of
   * the database, or throws (see templating/dbt/live-context.ts). Returns the runnable SQL.
   */
  renderLive(id: string, answer: (request: LiveRequest) => unknown): string;
}

type NodeProperties = Pick<ModelProperties, 'description' | 'meta' | 'columns' | 'tests' | 'data_tests'>;

interface RenderedModel {
  readonly file: LoadedProject['models'][number];
  readonly sql: string;
  readonly capture: RenderCapture;
  readonly config: ModelConfigInput;
  readonly properties?: { readonly props: NodeProperties; readonly file: string };
  /** Set for a snapshot block. */
  readonly snapshot?: ResolvedSnapshotConfig;
  /** The folder and YAML config the template's `config.get()` saw. */
  readonly baseConfig: Readonly<Record<string, unknown>>;
  readonly isIncremental: boolean;
}

/**
 * Renders every model once and resolves refs, sources, configs and ephemeral CTEs into nodes.
 * Pure given the loaded project: no database is touched. Errors are gathered and thrown together.
 */
export function compileProject(project: LoadedProject, options: CompileOptions): CompiledProject {
  const { settings } = project;
  const { config, target } = settings;
  const projectName = config.name;
  // dbt constructs found while reading come first; their files are not rendered (they would only fail again).
  const errors: StrataError[] = [...(project.problems ?? [])];
  const broken = new Set((project.problems ?? []).map((p) => p.location.file));
  const warnings: string[] = [...(project.warnings ?? [])];
  const dbtFlavor = settings.flavor === 'dbt';
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
    target: templateTarget(settings),
    docs: project.docs,
    macros: project.macros.filter((m) => !broken.has(m.path)),
    cache: options.templateCache,
    dbtContext: dbtFlavor,
  });
  const naming = relationNaming(config, target.schema, engine);

  // Properties from YAML, by name.
  const modelProps = new Map<string, { props: ModelProperties; file: string }>();
  const seedProps = new Map<string, { props: SeedProperties; file: string }>();
  const snapshotProps = new Map<string, { props: SnapshotProperties; file: string }>();
  for (const { yaml, properties } of project.properties) {
    for (const props of properties.models ?? []) modelProps.set(props.name, { props, file: yaml.file });
    for (const props of properties.seeds ?? []) seedProps.set(props.name, { props, file: yaml.file });
    for (const props of properties.snapshots ?? []) snapshotProps.set(props.name, { props, file: yaml.file });
  }

  const modelFolders = new FolderConfig<ModelConfigInput>(config.models, modelConfigSchema, MODEL_CONFIG_KEYS, settings.yaml, ['models']);
  const seedFolders = new FolderConfig<SeedConfigInput>(config.seeds, seedConfigSchema, SEED_CONFIG_KEYS, settings.yaml, ['seeds']);
  const snapshotFolders = new FolderConfig<SnapshotConfigInput>(config.snapshots, snapshotConfigSchema, SNAPSHOT_CONFIG_KEYS, settings.yaml, ['snapshots']);

  // 1. Render each model once, capturing refs, sources and config() calls. Templates not in the
  // cache are rendered ahead, over worker threads when there are many.
  const toRender: { file: LoadedProject['models'][number]; isIncremental: boolean; base: Record<string, unknown> }[] = [];
  for (const file of project.models) {
    if (broken.has(file.path)) continue;
    gather(() => {
      const folders = file.resource === 'snapshot' ? snapshotFolders : modelFolders;
      const props = (file.resource === 'snapshot' ? snapshotProps : modelProps).get(file.name);
      const base = mergeConfig(folders.forFolder(file.folder), props?.props.config ?? {});
      toRender.push({ file, isIncremental: options.isIncremental?.(file.name) ?? false, base });
    });
  }
  engine.prerender(toRender.map(({ file, isIncremental, base }) => ({ text: file.text, file: file.path, isIncremental, baseConfig: base })));
  const rendered: RenderedModel[] = [];
  for (const { file, isIncremental, base } of toRender) {
    gather(() => {
      const where = { file: file.path, line: findLine(file.text, /config\s*\(/), node: file.name };
      if (file.resource === 'snapshot') {
        const props = snapshotProps.get(file.name);
        const out = engine.render(file.text, file.path, { isIncremental, baseConfig: base });
        const raw = dbtFlavor ? dbtInlineConfig('snapshot', out.capture.config, where) : out.capture.config;
        const inline = validate(snapshotConfigSchema, raw, where);
        const snapshot = resolveSnapshotConfig(mergeConfig(base, inline), where);
        rendered.push({ file, sql: out.sql, capture: out.capture, config: snapshot.model, properties: props, snapshot, baseConfig: base, isIncremental });
        return;
      }
      const props = modelProps.get(file.name);
      const out = engine.render(file.text, file.path, { isIncremental, baseConfig: base });
      const raw = dbtFlavor ? dbtInlineConfig('model', out.capture.config, where) : out.capture.config;
      const inline = validate(modelConfigSchema, raw, where);
      const merged = mergeConfig(base, inline);
      if (merged.materialized === 'snapshot') {
        throw new StrataError('invalid_config', "a model cannot be materialized 'snapshot': write a {% snapshot %} block in the snapshots folder", { ...where, key: 'materialized' });
      }
      checkStrategyConfig(merged, new Set([...Object.keys(props?.props.config ?? {}), ...Object.keys(inline)]), where);
      const body = withImplicitSource(out.sql, out.capture, merged, where);
      rendered.push({ file, sql: body.sql, capture: body.capture, config: merged, properties: props, baseConfig: base, isIncremental });
    });
  }

  // Models written in TypeScript/JavaScript resolve like SQL models; completeTransformers finishes them.
  for (const render of transformerRenders(project.transformers ?? [], modelFolders, modelProps, project.models, (e) => errors.push(e))) rendered.push(render);

  // With dbt constructs Strata cannot run, stop here: what follows would report their consequences.
  if (project.problems?.length) throw errors.length === 1 ? errors[0]! : new StrataErrors(errors);

  // 2. Nodes that can be referenced: enabled models and seeds, by name.
  // Schemas and identifiers follow the project's naming rule (dbt's generate_schema_name).
  const relationOf = (
    cfg: { readonly schema?: string; readonly alias?: string; readonly tags: readonly string[] },
    named: Omit<NamedNode, 'tags'>,
    verbatimSchema?: string,
  ): Relation => {
    const node = { ...named, tags: cfg.tags };
    const logical = { schema: verbatimSchema ?? naming.schema(cfg.schema, node), identifier: naming.identifier(cfg.alias, node) };
    return options.relationFor ? options.relationFor(named.name, logical) : logical;
  };
  const byName = new Map<string, { id: string; relation: Relation; ephemeral: boolean }>();
  const disabled = new Set<string>();
  for (const model of rendered) {
    const cfg = toModelConfig(model.config);
    if (!cfg.enabled) {
      disabled.add(model.file.name);
      continue;
    }
    const resourceType = model.snapshot ? 'snapshot' : 'model';
    gather(() =>
      byName.set(model.file.name, {
        id: `${resourceType}.${projectName}.${model.file.name}`,
        relation: relationOf(cfg, { name: model.file.name, resourceType, path: model.file.path, fqn: [...model.file.folder, model.file.name] }, model.snapshot?.targetSchema),
        ephemeral: cfg.materialized === 'ephemeral',
      }),
    );
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
      const relation = relationOf(cfg, { name: seed.name, resourceType: 'seed', path: seed.path, fqn: [...seed.folder, seed.name] });
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
          // dbt renders `schema: "{{ target.schema }}"` and the like in source properties.
          relation: {
            schema: (source.schema === undefined ? undefined : gather(() => engine.renderDescription(source.schema!, yaml.file))) ?? (tableSettings.landing ? config.load.raw_schema : source.name),
            identifier: identifier === undefined ? table.name : (gather(() => engine.renderDescription(identifier, yaml.file)) ?? identifier),
          },
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
        config: model.snapshot ? { ...cfg, snapshot: model.snapshot.settings } : withSourceLoad(cfg, model.config.source_load, readSources),
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
  for (const [kind, props] of [['model', modelProps], ['snapshot', snapshotProps]] as const) {
    for (const { props: p, file } of props.values()) {
      if (!byName.has(p.name) && !disabled.has(p.name)) {
        warnings.push(`${file}: properties for ${kind} '${p.name}', which does not exist${didYouMean(p.name, [...byName.keys()])}`);
      }
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
  const relationOfToken = (kind: TokenKind, value: string, self?: Relation): Relation => {
    if (kind === 'ref') {
      const id = byName.get(value)!.id;
      const node = pending.get(id)?.node ?? nodes.get(id);
      if (!node || !('relation' in node)) throw new StrataError('internal', `no relation for ${id}`);
      return node.relation;
    }
    if (kind === 'src') return sources.get(value)!.relation;
    if (!self) throw new StrataError('bad_this', '{{ this }} is only defined inside a model');
    return self;
  };
  const database = templateTarget(settings).database;
  const resolveSql = (sql: string, self?: Relation): string =>
    replaceTokens(
      sql,
      (kind, value) => {
        if (kind === 'ref') return relationText(byName.get(value)!.id);
        if (kind === 'src') return dialect.relation(sources.get(value)!.relation);
        if (!self) throw new StrataError('bad_this', '{{ this }} is only defined inside a model');
        return dialect.relation(self);
      },
      (kind: TokenKind, value: string, part: RelationPart) => {
        if (part === 'database') return database ?? '';
        const relation = relationOfToken(kind, value, self);
        return part === 'schema' ? relation.schema : relation.identifier;
      },
    );
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
  const liveModels = new Set<string>();
  for (const [id, { model, node, ephemeralRefs }] of pending) {
    const ctes: EphemeralCte[] = ephemeralClosure(ephemeralRefs).map((eph) => ({
      name: cteName(eph),
      sql: resolveSql(pending.get(eph)!.model.sql),
    }));
    gather(() => nodes.set(id, { ...node, compiledSql: inlineEphemerals(resolveSql(model.sql, node.relation), ctes) }));
    if (model.capture.live) {
      if (node.config.materialized === 'ephemeral') {
        errors.push(
          new StrataError('dbt_unsupported', `ephemeral model '${node.name}' reads the database while it is rendered (execute, run_query, dbt_utils.star, …): materialize it as a view instead`, { file: node.path, node: node.name }),
        );
      }
      liveModels.add(id);
    }
  }
  completeTransformers(nodes, project.transformers ?? [], dialect, (e) => errors.push(e));
  if (errors.length) throw errors.length === 1 ? errors[0]! : new StrataErrors(errors);
  const renderLive = (id: string, answer: (request: LiveRequest) => unknown): string => {
    const found = pending.get(id);
    if (!found) throw new StrataError('internal', `no model ${id} to render`);
    const { model, node } = found;
    const out = engine.render(model.file.text, model.file.path, {
      isIncremental: model.isIncremental,
      baseConfig: model.baseConfig,
      live: {
        answer,
        resolveSql: (sql) => resolveSql(sql, node.relation),
        relationOf: (relation) => {
          const token = parseToken(String(relation));
          if (!token) throw new StrataError('template_error', `not a relation: ${String(relation)}`);
          return relationOfToken(token.kind, token.value, node.relation);
        },
      },
    });
    // The DAG is fixed at compile time: a ref only reached with execute = true cannot order the run.
    const known = new Set(model.capture.refs);
    const knownSources = new Set(model.capture.sources.map(([a, b]) => `${a}.${b}`));
    const late = [...out.capture.refs.filter((r) => !known.has(r)).map((r) => `ref('${r}')`), ...out.capture.sources.filter(([a, b]) => !knownSources.has(`${a}.${b}`)).map(([a, b]) => `source('${a}', '${b}')`)];
    if (late.length) {
      throw new StrataError(
        'late_dependency',
        `${late.join(', ')} is only reached when execute is true, so Strata cannot order the run by it: add '-- depends_on: {{ ${late[0]} }}' to the model`,
        { file: node.path, node: node.name },
        'execution',
      );
    }
    const ephemerals = [...new Set(out.capture.refs.map((r) => byName.get(r)!).filter((r) => r.ephemeral).map((r) => r.id))];
    const ctes = ephemeralClosure(ephemerals).map((eph) => ({ name: cteName(eph), sql: resolveSql(pending.get(eph)!.model.sql) }));
    const body = withImplicitSource(out.sql, out.capture, model.config, { file: node.path, node: node.name });
    return inlineEphemerals(resolveSql(body.sql, node.relation), ctes);
  };

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
    testDefaults: Object.fromEntries(Object.entries(config.data_tests).map(([key, value]) => [key.replace(/^\+/, ''), value])),
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
  warnings.push(...engine.warnings);
  return {
    project,
    nodes,
    dag,
    engine,
    warnings,
    resolveSql: resolveCaptured,
    liveModels,
    renderLive,
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
