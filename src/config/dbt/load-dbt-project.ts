import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { envVar } from '../../templating/env-var.js';
import { parseYaml, type YamlFile } from '../../project/read-yaml.js';
import { StrataError } from '../../shared/errors.js';
import { ENVIRONMENT_NAME, projectConfigSchema, targetSchema, type ProjectConfig } from '../project-config.js';
import { renderConfigValues } from '../render-config-values.js';
import { validate } from '../validate.js';
import { canonicalKey, judgeConfigKey } from './dbt-config-keys.js';
import { normalizeFolderTree, originOf } from './normalize-folder-tree.js';
import { readDbtProfile } from './read-profiles.js';

export const DBT_PROJECT_FILE = 'dbt_project.yml';

/** What reading a dbt project adds to the loaded config. */
export interface DbtProjectInfo {
  /** The profiles.yml the target came from (absolute path). */
  readonly profilesFile: string;
  readonly profileName: string;
  /** dbt's `target.database`. */
  readonly database: string;
}

/** A dbt project read as a Strata project config, with what could not be honoured. */
export interface LoadedDbtProject {
  readonly yaml: YamlFile;
  readonly config: ProjectConfig;
  readonly targetName: string;
  readonly target: ReturnType<typeof targetSchema.parse>;
  readonly dbt: DbtProjectInfo;
  /** Settings Strata cannot honour, each with its file and line: reported together with the templates' before anything runs. */
  readonly problems: readonly StrataError[];
  readonly warnings: readonly string[];
}

type Handling = 'read' | 'ignore' | 'hooks' | 'block';

/** Top-level keys of dbt_project.yml and what Strata does with them. */
const TOP_LEVEL: Readonly<Record<string, Handling>> = {
  name: 'read',
  version: 'read',
  profile: 'read',
  'model-paths': 'read',
  'source-paths': 'read',
  'seed-paths': 'read',
  'data-paths': 'read',
  'test-paths': 'read',
  'macro-paths': 'read',
  'docs-paths': 'read',
  'snapshot-paths': 'read',
  'target-path': 'read',
  vars: 'read',
  models: 'read',
  seeds: 'read',
  snapshots: 'read',
  tests: 'read',
  data_tests: 'read',
  sources: 'block',
  unit_tests: 'block',
  'on-run-start': 'hooks',
  'on-run-end': 'hooks',
  'config-version': 'ignore',
  'require-dbt-version': 'ignore',
  'analysis-paths': 'ignore',
  'asset-paths': 'ignore',
  'log-path': 'ignore',
  'packages-install-path': 'ignore',
  'clean-targets': 'ignore',
  'query-comment': 'ignore',
  flags: 'ignore',
  'restrict-access': 'ignore',
  'dbt-cloud': 'ignore',
  exposures: 'ignore',
  metrics: 'ignore',
  'semantic-models': 'ignore',
  'saved-queries': 'ignore',
  quoting: 'block',
  dispatch: 'block',
};

/**
 * Reads `dbt_project.yml` and the profile it names into the same validated ProjectConfig a
 * strata.yml gives: name, version, paths, vars (project-scoped vars flattened), the per-folder
 * `models:`/`seeds:`/`snapshots:` blocks keyed by project name (normalized to Strata's folder
 * defaults), project-wide test config, dbt's schema naming, and the target from profiles.yml.
 * Settings Strata cannot honour are returned as problems naming the file and line.
 */
export function loadDbtProject(root: string, targetName?: string): LoadedDbtProject {
  const file = path.join(root, DBT_PROJECT_FILE);
  const baseYaml = parseYaml(readFileSync(file, 'utf8'), DBT_PROJECT_FILE);
  const raw = (baseYaml.data ?? {}) as Record<string, unknown>;
  const problems: StrataError[] = [];
  const warnings: string[] = [];
  const ignored = new Set<string>();
  const at = (keyPath: readonly (string | number)[]): { file: string; line: number | undefined; key: string } => ({
    file: DBT_PROJECT_FILE,
    line: baseYaml.lineOf(keyPath),
    key: keyPath.join('.'),
  });
  const unsupported = (keyPath: readonly (string | number)[], why: string): void => {
    problems.push(new StrataError('dbt_unsupported', `${String(keyPath[keyPath.length - 1])}: ${why}`, at(keyPath)));
  };

  const name = raw.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new StrataError('invalid_config', 'dbt_project.yml needs a name of letters, digits and underscores', at(['name']));
  }
  for (const [key, value] of Object.entries(raw)) {
    const handling = TOP_LEVEL[key];
    if (handling === undefined) unsupported([key], `'${key}' is not a dbt_project.yml setting Strata knows`);
    else if (handling === 'ignore') ignored.add(key);
    else if (handling === 'hooks' && !isEmpty(value)) unsupported([key], 'on-run-start and on-run-end hooks are not run by Strata: move the statements into models, or remove them');
    else if (handling === 'block') checkBlock(key, value, name, unsupported, ignored);
  }

  // The target, from profiles.yml.
  const profileName = typeof raw.profile === 'string' ? raw.profile : name;
  const profile = readDbtProfile(root, profileName, targetName);
  warnings.push(...profile.warnings);
  const target = validate(targetSchema, profile.target, { file: displayProfiles(root, profile.file), yaml: profile.yaml, path: [profileName, 'outputs', profile.targetName] });

  // Paths, in dbt's names (and their pre-1.0 spellings).
  const paths = (key: string, old?: string): string[] | undefined => {
    const value = raw[key] ?? (old ? raw[old] : undefined);
    if (value === undefined) return undefined;
    return (Array.isArray(value) ? value : [value]).map(String);
  };
  const models = paths('model-paths', 'source-paths') ?? ['models'];
  const seeds = paths('seed-paths', 'data-paths') ?? ['seeds'];
  const tests = paths('test-paths') ?? ['tests'];
  const macros = paths('macro-paths') ?? ['macros'];
  const snapshots = paths('snapshot-paths') ?? ['snapshots'];
  const docs = paths('docs-paths') ?? [...new Set([...models, ...seeds, ...tests, ...macros, ...snapshots])];

  // dbt renders env_var(), var() and target in dbt_project.yml's config values.
  const vars = flattenVars(renderConfigValues(raw.vars ?? {}, baseYaml, ['vars']), name);
  const render = dbtValueRenderer(baseYaml, { target: { name: profile.targetName, schema: target.schema, type: target.adapter, database: profile.database, profile_name: profileName, threads: target.threads ?? 4 }, vars });

  // Per-folder blocks: keyed by project name (and other packages, which are not installed).
  const folderBlock = (key: 'models' | 'seeds' | 'snapshots', resource: 'model' | 'seed' | 'snapshot') => {
    const block = render(raw[key], [key]);
    if (block === undefined || block === null) return { tree: {}, lineOf: (p: readonly (string | number)[]) => baseYaml.lineOf(p) };
    if (typeof block !== 'object' || Array.isArray(block)) {
      problems.push(new StrataError('invalid_config', `'${key}' must be a mapping`, at([key])));
      return { tree: {}, lineOf: (p: readonly (string | number)[]) => baseYaml.lineOf(p) };
    }
    const top: Record<string, unknown> = {};
    const levels: { node: Record<string, unknown>; path: (string | number)[] }[] = [{ node: top, path: [key] }];
    for (const [k, v] of Object.entries(block as Record<string, unknown>)) {
      if (k === name && v && typeof v === 'object') levels.push({ node: v as Record<string, unknown>, path: [key, name] });
      else if (k.startsWith('+') || !(v && typeof v === 'object' && !Array.isArray(v))) top[k] = v;
      else if (k === 'dbt_utils') ignored.add(`${key}.dbt_utils`);
      else warnings.push(`${DBT_PROJECT_FILE}: '${key}.${k}' configures package '${k}', which is not installed (Strata cannot install dbt packages): ignored`);
    }
    const result = normalizeFolderTree(resource, levels);
    for (const problem of result.unsupported) unsupported(problem.path, problem.why);
    for (const key2 of result.ignored) ignored.add(`+${key2}`);
    return { tree: result.tree, lineOf: (p: readonly (string | number)[]) => baseYaml.lineOf(originOf(result.origins, p.slice(1), [key])) };
  };
  const modelBlock = folderBlock('models', 'model');
  const seedBlock = folderBlock('seeds', 'seed');
  const snapshotBlock = folderBlock('snapshots', 'snapshot');

  // Project-wide test config (`tests:`/`data_tests:` at the project level).
  const testDefaults: Record<string, unknown> = {};
  for (const key of ['tests', 'data_tests'] as const) {
    const block = render(raw[key], [key]);
    if (!block || typeof block !== 'object') continue;
    const entries: [string, unknown, (string | number)[]][] = [];
    for (const [k, v] of Object.entries(block as Record<string, unknown>)) {
      if (k === name && v && typeof v === 'object') for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) entries.push([k2, v2, [key, name, k2]]);
      else entries.push([k, v, [key, k]]);
    }
    for (const [k, v, keyPath] of entries) {
      if (!k.startsWith('+') && v && typeof v === 'object' && !Array.isArray(v) && canonicalKey(k) !== 'meta') {
        unsupported(keyPath, 'test config per folder is not supported: set it at the project level or on each test');
        continue;
      }
      const verdict = judgeConfigKey('test', k, v);
      if (verdict.kind === 'keep') testDefaults[canonicalKey(k)] = verdict.value;
      else if (verdict.kind === 'ignore') ignored.add(`${key}.${canonicalKey(k)}`);
      else unsupported(keyPath, verdict.why);
    }
  }

  const yaml: YamlFile = {
    file: DBT_PROJECT_FILE,
    data: raw,
    lineOf(keyPath) {
      const head = keyPath[0];
      if (head === 'models') return modelBlock.lineOf(keyPath);
      if (head === 'seeds') return seedBlock.lineOf(keyPath);
      if (head === 'snapshots') return snapshotBlock.lineOf(keyPath);
      if (head === 'paths') return baseYaml.lineOf([`${String(keyPath[1])}-path${keyPath[1] === 'target' ? '' : 's'}`]);
      return baseYaml.lineOf(keyPath);
    },
  };
  const input = {
    name,
    version: raw.version ?? '0.1.0',
    target: profile.targetName,
    targets: profile.targets,
    paths: { models, seeds, tests, macros, docs, snapshots, target: typeof raw['target-path'] === 'string' ? raw['target-path'] : undefined },
    vars,
    models: modelBlock.tree,
    seeds: seedBlock.tree,
    snapshots: snapshotBlock.tree,
    data_tests: testDefaults,
    schema_naming: 'target_prefix',
    test_failures_schema: `${target.schema}_dbt_test__audit`,
    // Strata's own tables (run history, load log) live beside the target's schema, like dbt's audit schema.
    metadata_schema: `${target.schema}_strata_meta`,
    // Releases: each output of the profile is an environment of that name (dev, prod, ...), when the name can be one.
    environments: Object.fromEntries(Object.keys(profile.targets).filter((output) => ENVIRONMENT_NAME.test(output)).map((output) => [output, { target: output }])),
  };
  const config = validate(projectConfigSchema, input, { file: DBT_PROJECT_FILE, yaml });
  if (ignored.size) warnings.push(`${DBT_PROJECT_FILE}: settings with no effect in Strata, ignored: ${[...ignored].sort().join(', ')}`);
  warnings.push(...packageWarnings(root));
  return {
    yaml,
    config,
    targetName: profile.targetName,
    target,
    dbt: { profilesFile: profile.file, profileName, database: profile.database },
    problems,
    warnings,
  };
}

/** Renders `{{ ... }}` in every string of a dbt_project.yml value, with env_var(), var() and target; errors name the line. */
function dbtValueRenderer(yaml: YamlFile, context: { target: Record<string, unknown>; vars: Record<string, unknown> }) {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  env.addGlobal('env_var', envVar);
  env.addGlobal('target', context.target);
  env.addGlobal('var', (name: unknown, fallback?: unknown) => {
    const key = String(name);
    if (key in context.vars) return context.vars[key];
    if (fallback !== undefined) return fallback;
    throw new StrataError('missing_var', `var '${key}' is not defined in dbt_project.yml vars or --vars, and has no default`);
  });
  const render = (value: unknown, keyPath: (string | number)[]): unknown => {
    // Hooks are rendered when they run in dbt, with the model's context; Strata reports them unsupported as written.
    const key = keyPath[keyPath.length - 1];
    if (typeof key === 'string' && /^\+?(pre|post)[-_]hook$/.test(key)) return value;
    if (typeof value === 'string') {
      if (!value.includes('{{') && !value.includes('{%')) return value;
      try {
        return env.renderString(value, {});
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? String(error);
        throw new StrataError('config_template', message.replace(/^\w*Error: /, ''), { file: DBT_PROJECT_FILE, line: yaml.lineOf(keyPath), key: keyPath.join('.') });
      }
    }
    if (Array.isArray(value)) return value.map((item, i) => render(item, [...keyPath, i]));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, [...keyPath, k])]));
    return value;
  };
  return render;
}

/** `vars:` with the project's own scope (and dbt_utils', which is built in) flattened into the top level. */
function flattenVars(value: unknown, projectName: string): Record<string, unknown> {
  if (!value || typeof value !== 'object') return {};
  const out: Record<string, unknown> = {};
  const scoped: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if ((key === projectName || key === 'dbt_utils') && v && typeof v === 'object' && !Array.isArray(v)) Object.assign(scoped, v);
    else out[key] = v;
  }
  return { ...out, ...scoped };
}

/** `sources:`, `unit_tests:`, `quoting:` and `dispatch:` blocks: only settings without effect are accepted. */
function checkBlock(
  key: string,
  value: unknown,
  projectName: string,
  unsupported: (keyPath: readonly (string | number)[], why: string) => void,
  ignored: Set<string>,
): void {
  if (isEmpty(value)) return;
  if (key === 'dispatch') return unsupported([key], 'dispatch search orders are not supported: Strata provides dbt_utils itself');
  if (key === 'quoting') {
    const verdict = judgeConfigKey('model', 'quoting', value);
    if (verdict.kind === 'unsupported') unsupported([key], verdict.why);
    else ignored.add(key);
    return;
  }
  if (key === 'unit_tests') return unsupported([key], 'unit test config in dbt_project.yml is not supported: set it on each unit test');
  // sources: only tags/meta/docs-like settings, at any depth.
  const walk = (node: Record<string, unknown>, keyPath: (string | number)[]): void => {
    for (const [k, v] of Object.entries(node)) {
      const here = [...keyPath, k];
      if (!k.startsWith('+') && v && typeof v === 'object' && !Array.isArray(v) && canonicalKey(k) !== 'meta') {
        walk(v as Record<string, unknown>, here);
        continue;
      }
      const verdict = judgeConfigKey('source', k, v);
      if (verdict.kind === 'unsupported') unsupported(here, verdict.why);
      else if (verdict.kind === 'keep') unsupported(here, `source config '${canonicalKey(k)}' in dbt_project.yml is not supported: set it on the source in its YAML file`);
      else ignored.add(`sources.${canonicalKey(k)}`);
    }
  };
  if (value && typeof value === 'object') walk(value as Record<string, unknown>, [key]);
  void projectName;
}

/** Packages in packages.yml/dependencies.yml that are not built in: their macros, models and tests are not available. */
function packageWarnings(root: string): string[] {
  const out: string[] = [];
  for (const file of ['packages.yml', 'dependencies.yml']) {
    const full = path.join(root, file);
    if (!existsSync(full)) continue;
    const data = (parseYaml(readFileSync(full, 'utf8'), file).data ?? {}) as { packages?: unknown };
    for (const entry of Array.isArray(data.packages) ? data.packages : []) {
      const spec = entry as Record<string, unknown>;
      const label = String(spec.package ?? spec.git ?? spec.local ?? spec.tarball ?? JSON.stringify(entry));
      if (/(^|\/)dbt[-_]utils(\.git)?$/.test(label)) continue;
      out.push(`${file}: package '${label}' is not installed (Strata cannot install dbt packages; dbt_utils is built in): its macros, models and tests are not available`);
    }
  }
  return out;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);
}

function displayProfiles(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
