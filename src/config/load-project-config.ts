import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYaml, type YamlFile } from '../project/read-yaml.js';
import { renderConfigValues } from './render-config-values.js';
import { validate } from './validate.js';
import { projectConfigSchema, targetSchema, type ProjectConfig, type TargetConfig } from './project-config.js';
import { StrataError } from '../shared/errors.js';
import { DBT_PROJECT_FILE, loadDbtProject, type DbtProjectInfo } from './dbt/load-dbt-project.js';

export const PROJECT_FILE = 'strata.yml';

/** The validated project file with its chosen target. */
export interface LoadedProjectConfig {
  readonly root: string;
  readonly file: string;
  readonly yaml: YamlFile;
  readonly config: ProjectConfig;
  readonly targetName: string;
  readonly target: TargetConfig;
  /** `dbt` when the project was read from dbt_project.yml and profiles.yml. */
  readonly flavor?: 'strata' | 'dbt';
  /** For dbt projects: where the target came from. */
  readonly dbt?: DbtProjectInfo;
  /** Settings that cannot be honoured, each naming its file and line: reported with the project's other errors before anything runs. */
  readonly problems?: readonly StrataError[];
  /** Settings read but without effect, for the command's output. */
  readonly warnings?: readonly string[];
}

/**
 * Reads and validates `strata.yml` in `root`, choosing `targetName` or the file's default target.
 * A folder with `dbt_project.yml` and no strata.yml is read as a dbt project (see config/dbt/).
 */
export function loadProjectConfig(root: string, targetName?: string): LoadedProjectConfig {
  const file = path.join(root, PROJECT_FILE);
  if (!existsSync(file)) {
    if (existsSync(path.join(root, DBT_PROJECT_FILE))) {
      const dbt = loadDbtProject(root, targetName);
      return { root, file: path.join(root, DBT_PROJECT_FILE), yaml: dbt.yaml, config: dbt.config, targetName: dbt.targetName, target: dbt.target, flavor: 'dbt', dbt: dbt.dbt, problems: dbt.problems, warnings: dbt.warnings };
    }
    throw new StrataError('no_project', `no ${PROJECT_FILE} in ${root}: run 'strata init DIR' to create a project, or pass --project-dir (a folder with ${DBT_PROJECT_FILE} is a project too)`);
  }
  const yaml = parseYaml(readFileSync(file, 'utf8'), PROJECT_FILE);
  const raw = (yaml.data ?? {}) as Record<string, unknown>;
  // Named queries' SQL is a template of the project (ref, var), rendered when a query runs.
  const { targets, queries, ...rest } = raw;
  const rendered = { ...(renderConfigValues(rest, yaml) as Record<string, unknown>), targets, ...(queries === undefined ? {} : { queries }) };
  const config = validate(projectConfigSchema, rendered, { file: PROJECT_FILE, yaml });
  const names = Object.keys(config.targets);
  const chosen = targetName ?? config.target ?? names[0];
  if (!chosen) throw new StrataError('no_target', 'strata.yml defines no targets', { file: PROJECT_FILE, key: 'targets' });
  const rawTarget = config.targets[chosen];
  if (!rawTarget) {
    throw new StrataError('unknown_target', `unknown target '${chosen}'; this project defines: ${names.join(', ')}`, {
      file: PROJECT_FILE,
      line: yaml.lineOf(['targets']),
      key: 'targets',
    });
  }
  const targetPath = ['targets', chosen];
  const target = validate(targetSchema, renderConfigValues(rawTarget, yaml, targetPath), {
    file: PROJECT_FILE,
    yaml,
    path: targetPath,
  });
  return { root, file, yaml, config, targetName: chosen, target, flavor: 'strata' };
}
