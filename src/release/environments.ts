import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../compile/closest-name.js';
import { DBT_PROJECT_FILE } from '../config/dbt/load-dbt-project.js';
import { dbtOutputNames } from '../config/dbt/read-profiles.js';
import { PROJECT_FILE } from '../config/load-project-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { renderConfigValues } from '../config/render-config-values.js';
import type { Relation } from '../manifest/types.js';
import { parseYaml } from '../project/read-yaml.js';
import { StrataError } from '../shared/errors.js';

/** A named environment: the target serving it and how its public schemas are named. */
export interface Environment {
  readonly name: string;
  readonly target: string;
  readonly schemaSuffix: string;
}

/**
 * The target an environment names, read from strata.yml before a target is chosen (the project
 * is then opened on that target and `environmentOf` checks the validated entry). Unknown
 * environments name the closest match.
 */
export function environmentTarget(projectDir: string, name: string): string {
  const file = path.join(path.resolve(projectDir), PROJECT_FILE);
  if (!existsSync(file) && existsSync(path.join(path.resolve(projectDir), DBT_PROJECT_FILE))) return dbtEnvironmentTarget(path.resolve(projectDir), name);
  if (!existsSync(file)) {
    throw new StrataError('no_project', `no ${PROJECT_FILE} in ${path.resolve(projectDir)}: run 'strata init DIR' to create a project, or pass --project-dir`);
  }
  const yaml = parseYaml(readFileSync(file, 'utf8'), PROJECT_FILE);
  const environments = ((yaml.data ?? {}) as { environments?: unknown }).environments;
  const entries = environments && typeof environments === 'object' && !Array.isArray(environments) ? (environments as Record<string, unknown>) : {};
  const entry = entries[name];
  if (entry === undefined) throw unknownEnvironment(name, Object.keys(entries));
  const target = (entry && typeof entry === 'object' ? (entry as { target?: unknown }).target : undefined) ?? undefined;
  const rendered = renderConfigValues(target, yaml, ['environments', name, 'target']);
  if (typeof rendered !== 'string' || rendered.length === 0) {
    throw new StrataError('invalid_config', 'an environment needs a target: one of the names under targets', {
      file: PROJECT_FILE,
      line: yaml.lineOf(['environments', name]),
      key: `environments.${name}.target`,
    });
  }
  const targets = ((yaml.data ?? {}) as { targets?: unknown }).targets;
  const names = targets && typeof targets === 'object' ? Object.keys(targets) : [];
  if (!names.includes(rendered)) {
    throw new StrataError('invalid_config', `environment '${name}' names target '${rendered}', which is not under targets${didYouMean(rendered, names)}`, {
      file: PROJECT_FILE,
      line: yaml.lineOf(['environments', name, 'target']),
      key: `environments.${name}.target`,
    });
  }
  return rendered;
}

/** In a dbt project, the environments are the outputs of its profile, each served by itself. */
function dbtEnvironmentTarget(root: string, name: string): string {
  const project = (parseYaml(readFileSync(path.join(root, DBT_PROJECT_FILE), 'utf8'), DBT_PROJECT_FILE).data ?? {}) as { profile?: unknown; name?: unknown };
  const outputs = dbtOutputNames(root, String(project.profile ?? project.name ?? ''));
  if (outputs.includes(name)) return name;
  throw new StrataError('unknown_environment', `unknown environment '${name}': the environments of a dbt project are its profile's outputs: ${outputs.join(', ') || 'none found'}${didYouMean(name, outputs)}`, {
    file: 'profiles.yml',
    key: 'outputs',
  });
}

/** The validated environment `name` of a loaded project. */
export function environmentOf(config: ProjectConfig, name: string): Environment {
  const entry = config.environments[name];
  if (!entry) throw unknownEnvironment(name, Object.keys(config.environments));
  if (!config.targets[entry.target]) {
    throw new StrataError('invalid_config', `environment '${name}' names target '${entry.target}', which is not under targets${didYouMean(entry.target, Object.keys(config.targets))}`, {
      file: PROJECT_FILE,
      key: `environments.${name}.target`,
    });
  }
  const twin = Object.entries(config.environments).find(([other, e]) => other !== name && e.target === entry.target && e.schema_suffix === entry.schema_suffix);
  if (twin) {
    throw new StrataError('invalid_config', `environments '${twin[0]}' and '${name}' share target '${entry.target}' and schema_suffix '${entry.schema_suffix}', so their views would collide: give one a schema_suffix`, {
      file: PROJECT_FILE,
      key: `environments.${name}.schema_suffix`,
    });
  }
  return { name, target: entry.target, schemaSuffix: entry.schema_suffix };
}

/** Every environment of the project, in the order strata.yml lists them. */
export function allEnvironments(config: ProjectConfig): Environment[] {
  return Object.keys(config.environments).map((name) => environmentOf(config, name));
}

/**
 * The public relation (the view users query) of a model in an environment: the model's configured
 * schema (else the target's schema `defaultSchema`) with the environment's suffix, and its name.
 */
export function publicRelation(
  environment: Environment,
  defaultSchema: string,
  model: { readonly schema?: string | null; readonly identifier: string },
): Relation {
  return { schema: `${model.schema ?? defaultSchema}${environment.schemaSuffix}`, identifier: model.identifier };
}

/**
 * The public relation of a release's model in an environment whose target schema is
 * `targetSchema`: the schema the project named it with when the release was built (when built for
 * a target with the same schema), else its configured schema or the target's, plus the suffix.
 */
export function publicRelationOfModel(
  environment: Environment,
  targetSchema: string,
  model: { readonly schema: string | null; readonly identifier: string; readonly logicalSchema?: string; readonly targetSchema?: string },
): Relation {
  const schema = model.logicalSchema !== undefined && model.targetSchema === targetSchema ? model.logicalSchema : undefined;
  return publicRelation(environment, targetSchema, { schema: schema ?? model.schema, identifier: model.identifier });
}

function unknownEnvironment(name: string, known: readonly string[]): StrataError {
  const list = known.length ? `; this project defines: ${known.join(', ')}${didYouMean(name, known)}` : '; strata.yml has no environments: add e.g. `environments: {prod: {target: dev}}`';
  return new StrataError('unknown_environment', `unknown environment '${name}'${list}`, { file: PROJECT_FILE, key: 'environments' });
}
