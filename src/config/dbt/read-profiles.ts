import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseYaml, type YamlFile } from '../../project/read-yaml.js';
import { StrataError } from '../../shared/errors.js';
import { renderConfigValues } from '../render-config-values.js';

/** The connection targets of one dbt profile, as Strata targets. */
export interface DbtProfile {
  /** Where profiles.yml was found (absolute). */
  readonly file: string;
  readonly yaml: YamlFile;
  readonly profileName: string;
  /** Every output of the profile: the chosen one mapped to a Strata target, the others as written. */
  readonly targets: Record<string, Record<string, unknown>>;
  readonly targetName: string;
  /** The chosen target, mapped to Strata's target settings (not yet validated). */
  readonly target: Record<string, unknown>;
  /** dbt's `target.database`. */
  readonly database: string;
  readonly warnings: readonly string[];
}

/**
 * Where dbt looks for profiles.yml, in dbt's order: `DBT_PROFILES_DIR`, the project folder,
 * then `~/.dbt/`.
 */
export function profilesCandidates(root: string): string[] {
  const dirs = [process.env.DBT_PROFILES_DIR, root, path.join(os.homedir(), '.dbt')].filter((d): d is string => !!d);
  return [...new Set(dirs.map((d) => path.resolve(root, d, 'profiles.yml')))];
}

/** The output names of the profile `profileName` (dbt's targets), nothing rendered; empty when there is no such profile. */
export function dbtOutputNames(root: string, profileName: string): string[] {
  const file = profilesCandidates(root).find((f) => existsSync(f));
  if (!file) return [];
  const profile = ((parseYaml(readFileSync(file, 'utf8'), displayPath(root, file)).data ?? {}) as Record<string, { outputs?: unknown } | undefined>)[profileName];
  const outputs = profile?.outputs;
  return outputs && typeof outputs === 'object' ? Object.keys(outputs) : [];
}

/**
 * Reads the profile `profileName` from the first profiles.yml dbt would use and maps the chosen
 * output (`targetName`, else the profile's `target:`) to a Strata target: `type: duckdb` (path,
 * schema, threads, settings) and `type: postgres` (host, port, user, password, dbname, schema,
 * threads, sslmode). `env_var()` is rendered in the chosen output only. Errors name the file
 * and line.
 */
export function readDbtProfile(root: string, profileName: string, targetName: string | undefined): DbtProfile {
  const candidates = profilesCandidates(root);
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    throw new StrataError('no_profile', `no profiles.yml for profile '${profileName}': looked in ${candidates.join(', ')} (set DBT_PROFILES_DIR or add profiles.yml to the project)`, {
      file: 'dbt_project.yml',
      key: 'profile',
    });
  }
  const shown = displayPath(root, file);
  const yaml = parseYaml(readFileSync(file, 'utf8'), shown);
  const profiles = (yaml.data ?? {}) as Record<string, unknown>;
  const profile = profiles[profileName];
  if (!profile || typeof profile !== 'object') {
    const names = Object.keys(profiles).filter((k) => k !== 'config');
    throw new StrataError('no_profile', `profile '${profileName}' (named in dbt_project.yml) is not in ${shown}; it has: ${names.join(', ') || 'no profiles'}`, { file: shown });
  }
  const { outputs, target: defaultTarget } = profile as { outputs?: unknown; target?: unknown };
  if (!outputs || typeof outputs !== 'object') {
    throw new StrataError('invalid_config', `profile '${profileName}' has no outputs`, { file: shown, line: yaml.lineOf([profileName]), key: `${profileName}.outputs` });
  }
  const renderedDefault = defaultTarget === undefined ? undefined : String(renderConfigValues(defaultTarget, yaml, [profileName, 'target']));
  const names = Object.keys(outputs);
  const chosen = targetName ?? renderedDefault ?? names[0];
  const raw = chosen === undefined ? undefined : (outputs as Record<string, unknown>)[chosen];
  if (!chosen || !raw || typeof raw !== 'object') {
    throw new StrataError('unknown_target', `unknown target '${chosen ?? ''}'; profile '${profileName}' defines: ${names.join(', ')}`, {
      file: shown,
      line: yaml.lineOf([profileName, 'outputs']),
      key: `${profileName}.outputs`,
    });
  }
  const keyPath = [profileName, 'outputs', chosen];
  const rendered = renderConfigValues(raw, yaml, keyPath) as Record<string, unknown>;
  const warnings: string[] = [];
  const mapped = mapOutput(rendered, { file: shown, yaml, keyPath, warnings, root });
  const targets: Record<string, Record<string, unknown>> = {};
  for (const name of names) targets[name] = name === chosen ? mapped.target : ((outputs as Record<string, Record<string, unknown>>)[name] ?? {});
  return { file, yaml, profileName, targets, targetName: chosen, target: mapped.target, database: mapped.database, warnings };
}

interface MapContext {
  readonly file: string;
  readonly yaml: YamlFile;
  readonly keyPath: readonly string[];
  readonly warnings: string[];
  readonly root: string;
}

/** DuckDB extensions compiled into Strata's engine (nothing can be downloaded). */
const BUNDLED_EXTENSIONS = new Set(['json', 'parquet', 'icu']);

function mapOutput(output: Record<string, unknown>, ctx: MapContext): { target: Record<string, unknown>; database: string } {
  const at = (key: string): { file: string; line: number | undefined; key: string } => ({ file: ctx.file, line: ctx.yaml.lineOf([...ctx.keyPath, key]), key: [...ctx.keyPath, key].join('.') });
  const { type, ...rest } = output;
  const unknown = (keys: readonly string[], known: ReadonlySet<string>): void => {
    for (const key of keys) if (!known.has(key)) ctx.warnings.push(`${ctx.file}: target setting '${key}' is not used by Strata and is ignored`);
  };
  switch (type) {
    case 'duckdb': {
      const { path: dbPath, schema, threads, settings, extensions, attach, plugins, database: _database, ...others } = rest;
      if (attach !== undefined) throw new StrataError('dbt_unsupported', 'attaching other databases (attach) is not supported', at('attach'));
      if (plugins !== undefined) throw new StrataError('dbt_unsupported', 'dbt-duckdb plugins are not supported', at('plugins'));
      const missing = (Array.isArray(extensions) ? extensions : []).map((e) => (typeof e === 'string' ? e : String((e as { name?: unknown }).name))).filter((e) => !BUNDLED_EXTENSIONS.has(e));
      if (missing.length) ctx.warnings.push(`${ctx.file}: DuckDB extension(s) ${missing.join(', ')} are not bundled with Strata and cannot be downloaded; models using them will fail`);
      const settingsObject = (settings && typeof settings === 'object' ? settings : {}) as Record<string, unknown>;
      unknown(Object.keys(settingsObject).map((k) => `settings.${k}`), new Set(['settings.memory_limit', 'settings.threads']));
      unknown(Object.keys(others), new Set(['keep_open', 'retries', 'module_paths', 'disable_transactions']));
      const file = typeof dbPath === 'string' && dbPath !== '' ? dbPath : ':memory:';
      const target: Record<string, unknown> = { adapter: 'duckdb', path: file, schema: schema ?? 'main' };
      if (threads !== undefined) target.threads = threads;
      if (settingsObject.memory_limit !== undefined) target.memory_limit = String(settingsObject.memory_limit);
      if (settingsObject.threads !== undefined) target.engine_threads = settingsObject.threads;
      const database = file === ':memory:' ? 'memory' : path.basename(file).replace(/\.[^.]*$/, '');
      return { target, database };
    }
    case 'postgres': {
      const { host, port, user, password, pass, dbname, database, schema, threads, sslmode, search_path, role, sslcert, sslkey, sslrootcert, ...others } = rest;
      if (search_path !== undefined) throw new StrataError('dbt_unsupported', 'search_path is not supported: Strata qualifies every relation with its schema', at('search_path'));
      if (role !== undefined) throw new StrataError('dbt_unsupported', 'role is not supported: connect as the role instead', at('role'));
      for (const [key, value] of Object.entries({ sslcert, sslkey, sslrootcert })) {
        if (value !== undefined) throw new StrataError('dbt_unsupported', `${key} is not supported (sslmode disable, require or verify-full with the system's certificates)`, at(key));
      }
      unknown(Object.keys(others), new Set(['keepalives_idle', 'connect_timeout', 'retries', 'application_name', 'reuse_connections']));
      if (schema === undefined) throw new StrataError('invalid_config', 'a postgres target needs schema', at('schema'));
      const target: Record<string, unknown> = { adapter: 'postgres', schema };
      if (host !== undefined) target.host = host;
      if (port !== undefined) target.port = port;
      if (user !== undefined) target.user = user;
      if ((password ?? pass) !== undefined) target.password = password ?? pass;
      if ((dbname ?? database) !== undefined) target.database = dbname ?? database;
      if (threads !== undefined) target.threads = threads;
      if (sslmode === 'prefer' || sslmode === 'allow') ctx.warnings.push(`${ctx.file}: sslmode '${String(sslmode)}' connects without TLS in Strata; use require or verify-full for TLS`);
      else if (sslmode !== undefined) target.sslmode = sslmode;
      return { target, database: String(dbname ?? database ?? user ?? 'postgres') };
    }
    default:
      throw new StrataError('dbt_unsupported', `target type '${String(type)}' is not supported: Strata runs on duckdb and postgres`, at('type'));
  }
}

function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}
