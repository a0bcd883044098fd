import type { YamlFile } from '../../project/read-yaml.js';
import { StrataError } from '../../shared/errors.js';
import { normalizeDbtConfig, type DbtResource } from './dbt-config-keys.js';

/** A dbt properties file rewritten for Strata's properties schema, with what could not be honoured. */
export interface NormalizedProperties {
  readonly data: Record<string, unknown>;
  readonly problems: readonly StrataError[];
  readonly ignored: readonly string[];
}

type Rules = Readonly<Record<string, 'keep' | 'ignore' | string>>;

/** Top-level sections: kept, ignored (no effect on what is built or tested), or not supported (the message). */
const SECTIONS: Rules = {
  version: 'keep',
  models: 'keep',
  seeds: 'keep',
  snapshots: 'keep',
  sources: 'keep',
  exposures: 'keep',
  unit_tests: 'keep',
  macros: 'ignore',
  analyses: 'ignore',
  semantic_models: 'ignore',
  metrics: 'ignore',
  saved_queries: 'ignore',
  groups: 'ignore',
};

const NODE: Rules = {
  name: 'keep',
  description: 'keep',
  config: 'keep',
  columns: 'keep',
  tests: 'keep',
  data_tests: 'keep',
  meta: 'keep',
  docs: 'keep',
  tags: 'keep',
  access: 'ignore',
  group: 'ignore',
  deprecation_date: 'ignore',
  constraints: 'ignore',
  time_spine: 'ignore',
  latest_version: 'model versions are not supported: keep one model per name',
  versions: 'model versions are not supported: keep one model per name',
};

const COLUMN: Rules = {
  name: 'keep',
  description: 'keep',
  data_type: 'keep',
  tags: 'keep',
  meta: 'keep',
  tests: 'keep',
  data_tests: 'keep',
  quote: 'keep',
  config: 'keep',
  constraints: 'ignore',
  policy_tags: 'ignore',
  granularity: 'ignore',
  docs: 'ignore',
};

const SOURCE: Rules = {
  name: 'keep',
  description: 'keep',
  schema: 'keep',
  tags: 'keep',
  meta: 'keep',
  freshness: 'keep',
  loaded_at_field: 'keep',
  tables: 'keep',
  config: 'keep',
  database: 'keep',
  loader: 'ignore',
  quoting: 'keep',
  docs: 'ignore',
  overrides: 'overriding package sources is not supported',
};

const SOURCE_TABLE: Rules = {
  name: 'keep',
  identifier: 'keep',
  description: 'keep',
  columns: 'keep',
  tests: 'keep',
  data_tests: 'keep',
  tags: 'keep',
  meta: 'keep',
  freshness: 'keep',
  loaded_at_field: 'keep',
  config: 'keep',
  quoting: 'keep',
  loader: 'ignore',
  docs: 'ignore',
  external: 'external tables (dbt-external-tables) are not supported',
};

const EXPOSURE: Rules = {
  name: 'keep',
  type: 'keep',
  label: 'keep',
  description: 'keep',
  url: 'keep',
  maturity: 'keep',
  owner: 'keep',
  depends_on: 'keep',
  tags: 'keep',
  meta: 'keep',
  config: 'keep',
};

/**
 * Rewrites a dbt properties file (schema.yml) into what Strata's schema reads: dbt-only keys
 * without effect are dropped, config blocks are normalized like dbt_project.yml's, and anything
 * that would change what is built or tested but that Strata cannot do is a problem naming the
 * file and line. `targetDatabase` is the only database a source may name.
 */
export function normalizeDbtProperties(yaml: YamlFile, targetDatabase: string): NormalizedProperties {
  const problems: StrataError[] = [];
  const ignored = new Set<string>();
  const fail = (keyPath: (string | number)[], why: string): void => {
    problems.push(new StrataError('dbt_unsupported', `${String(keyPath[keyPath.length - 1])}: ${why}`, { file: yaml.file, line: yaml.lineOf(keyPath), key: keyPath.join('.') }));
  };
  const pick = (node: unknown, rules: Rules, keyPath: (string | number)[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (!node || typeof node !== 'object' || Array.isArray(node)) return node as Record<string, unknown>;
    for (const [key, value] of Object.entries(node)) {
      const rule = rules[key];
      if (rule === 'keep' || rule === undefined) out[key] = value;
      else if (rule === 'ignore') ignored.add(key);
      else fail([...keyPath, key], rule);
    }
    return out;
  };
  const config = (resource: DbtResource, node: Record<string, unknown>, keyPath: (string | number)[]): void => {
    const raw = node.config;
    if (!raw || typeof raw !== 'object') return;
    const normalized = normalizeDbtConfig(resource, raw as Record<string, unknown>);
    for (const problem of normalized.unsupported) fail([...keyPath, 'config', problem.key], problem.why);
    normalized.ignored.forEach((k) => ignored.add(k));
    node.config = normalized.config;
  };
  const columns = (node: Record<string, unknown>, keyPath: (string | number)[]): void => {
    tests(node, keyPath);
    if (!Array.isArray(node.columns)) return;
    node.columns = node.columns.map((column, i) => {
      const out = pick(column, COLUMN, [...keyPath, 'columns', i]);
      if (out && typeof out === 'object') tests(out, [...keyPath, 'columns', i]);
      if (out && typeof out === 'object' && out.config && typeof out.config === 'object') {
        // dbt 1.9 puts a column's meta and tags under config.
        const { meta, tags, ...rest } = out.config as Record<string, unknown>;
        for (const key of Object.keys(rest)) fail([...keyPath, 'columns', i, 'config', key], `column config '${key}' is not supported`);
        if (meta && typeof meta === 'object') out.meta = { ...(meta as object), ...((out.meta as object | undefined) ?? {}) };
        if (tags !== undefined) out.tags = [...new Set([...((out.tags as string[] | undefined) ?? []), ...(Array.isArray(tags) ? tags : [tags])])];
        delete out.config;
      }
      return out;
    });
  };
  // A test's `config:` block, normalized like any dbt config (e.g. `store_failures_as` is ignored).
  const tests = (node: Record<string, unknown>, keyPath: (string | number)[]): void => {
    for (const key of ['tests', 'data_tests'] as const) {
      const list = node[key];
      if (!Array.isArray(list)) continue;
      list.forEach((entry: unknown, i) => {
        if (!entry || typeof entry !== 'object') return;
        for (const [name, body] of Object.entries(entry as Record<string, unknown>)) {
          const holder = name === 'config' ? (entry as Record<string, unknown>) : body;
          if (!holder || typeof holder !== 'object' || Array.isArray(holder)) continue;
          const cfg = (holder as Record<string, unknown>).config;
          if (!cfg || typeof cfg !== 'object') continue;
          const normalized = normalizeDbtConfig('test', cfg as Record<string, unknown>);
          const at = name === 'config' ? [...keyPath, key, i, 'config'] : [...keyPath, key, i, name, 'config'];
          for (const problem of normalized.unsupported) fail([...at, problem.key], problem.why);
          normalized.ignored.forEach((k) => ignored.add(k));
          (holder as Record<string, unknown>).config = normalized.config;
          if (name === 'config') break;
        }
      });
    }
  };
  const tagsIntoConfig = (node: Record<string, unknown>): void => {
    if (node.tags === undefined) return;
    const cfg = (node.config as Record<string, unknown> | undefined) ?? {};
    const own = cfg.tags === undefined ? [] : Array.isArray(cfg.tags) ? cfg.tags : [cfg.tags];
    node.config = { ...cfg, tags: [...new Set([...own, ...(Array.isArray(node.tags) ? node.tags : [node.tags])])] };
    delete node.tags;
  };
  const quoting = (node: Record<string, unknown>, keyPath: (string | number)[]): void => {
    if (node.quoting === undefined) return;
    const all = node.quoting && typeof node.quoting === 'object' && Object.values(node.quoting).every((v) => v === true);
    if (!all) fail([...keyPath, 'quoting'], 'Strata always quotes identifiers; unquoted (case-folded) names are not supported');
    else ignored.add('quoting');
    delete node.quoting;
  };

  const data: Record<string, unknown> = {};
  const source = (yaml.data ?? {}) as Record<string, unknown>;
  if (typeof source !== 'object' || Array.isArray(source)) return { data: source, problems, ignored: [] };
  for (const [section, value] of Object.entries(source)) {
    const rule = SECTIONS[section];
    if (rule === 'ignore') {
      ignored.add(section);
      continue;
    }
    if (rule === undefined || !Array.isArray(value)) {
      data[section] = value;
      continue;
    }
    data[section] = value.map((entry: unknown, i) => {
      const keyPath: (string | number)[] = [section, i];
      switch (section) {
        case 'models':
        case 'seeds':
        case 'snapshots': {
          const node = pick(entry, NODE, keyPath);
          if (!node || typeof node !== 'object') return node;
          const resource: DbtResource = section === 'models' ? 'model' : section === 'seeds' ? 'seed' : 'snapshot';
          if (section !== 'models') {
            if (node.docs !== undefined) ignored.add('docs');
            delete node.docs;
          } else if (node.docs && typeof node.docs === 'object') {
            const show = (node.docs as { show?: unknown }).show;
            node.docs = typeof show === 'boolean' ? { show } : undefined;
          }
          tagsIntoConfig(node);
          config(resource, node, keyPath);
          columns(node, keyPath);
          return node;
        }
        case 'sources': {
          const node = pick(entry, SOURCE, keyPath);
          if (!node || typeof node !== 'object') return node;
          sourceLike(node, keyPath);
          if (Array.isArray(node.tables)) {
            node.tables = node.tables.map((table: unknown, j) => {
              const tablePath = [...keyPath, 'tables', j];
              const t = pick(table, SOURCE_TABLE, tablePath);
              if (t && typeof t === 'object') {
                sourceLike(t, tablePath);
                columns(t, tablePath);
              }
              return t;
            });
          }
          return node;
        }
        case 'exposures': {
          const node = pick(entry, EXPOSURE, keyPath);
          if (!node || typeof node !== 'object') return node;
          const cfg = node.config as Record<string, unknown> | undefined;
          delete node.config;
          if (cfg && typeof cfg === 'object') {
            if (cfg.enabled === false) return undefined;
            if (cfg.tags !== undefined) node.tags = [...((node.tags as string[] | undefined) ?? []), ...(Array.isArray(cfg.tags) ? cfg.tags : [cfg.tags])];
            if (cfg.meta && typeof cfg.meta === 'object') node.meta = { ...(cfg.meta as object), ...((node.meta as object | undefined) ?? {}) };
          }
          return node;
        }
        default:
          return entry;
      }
    }).filter((entry) => entry !== undefined);
  }

  function sourceLike(node: Record<string, unknown>, keyPath: (string | number)[]): void {
    quoting(node, keyPath);
    if (node.database !== undefined) {
      if (node.database !== targetDatabase) fail([...keyPath, 'database'], `sources in another database ('${String(node.database)}') are not supported: Strata reads the target database ('${targetDatabase}')`);
      delete node.database;
    }
    const cfg = node.config as Record<string, unknown> | undefined;
    delete node.config;
    if (cfg && typeof cfg === 'object') {
      const normalized = normalizeDbtConfig('source', cfg);
      for (const problem of normalized.unsupported) fail([...keyPath, 'config', problem.key], problem.why);
      normalized.ignored.forEach((k) => ignored.add(k));
      if (normalized.config.tags !== undefined) {
        const extra = normalized.config.tags;
        node.tags = [...((node.tags as string[] | undefined) ?? []), ...(Array.isArray(extra) ? extra : [extra])];
      }
      if (normalized.config.meta && typeof normalized.config.meta === 'object') node.meta = { ...(normalized.config.meta as object), ...((node.meta as object | undefined) ?? {}) };
    }
  }

  return { data, problems, ignored: [...ignored] };
}
