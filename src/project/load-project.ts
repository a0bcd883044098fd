import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadProjectConfig } from '../config/load-project-config.js';
import { validate } from '../config/validate.js';
import { StrataError, StrataErrors } from '../shared/errors.js';
import { normalizeDbtProperties } from '../config/dbt/normalize-properties.js';
import { scanUnsupported } from '../templating/dbt/scan-unsupported.js';
import { parseDocBlocks } from './parse-doc-blocks.js';
import { parseSnapshotBlocks } from './parse-snapshot-blocks.js';
import { propertiesFileSchema } from './properties-schema.js';
import { ProjectFiles } from './project-files.js';
import { parseYaml } from './read-yaml.js';
import { YamlParseCache } from './yaml-parse-cache.js';
import { readTransformerFiles } from '../transformers/read-transformer-files.js';
import type { DocBlock, LoadedProject, ModelFile, ProjectFile, PropertiesSource, SeedFile } from './types.js';

export interface LoadOptions {
  readonly target?: string;
}

/** Reads the project in `root`: config, model files, YAML properties, seeds, macros and docs blocks. */
export function loadProject(root: string, options: LoadOptions = {}): LoadedProject {
  const settings = loadProjectConfig(root, options.target);
  const paths = settings.config.paths;
  const modelRoots = paths.models ?? ['models'];
  const errors: StrataError[] = [];
  // dbt constructs Strata cannot run: reported by compile with whatever rendering finds.
  const problems: StrataError[] = [...(settings.problems ?? [])];
  const warnings: string[] = [...(settings.warnings ?? [])];
  const dbt = settings.flavor === 'dbt';
  const ignoredProperties = new Set<string>();
  const files = new ProjectFiles(root);

  const models: ModelFile[] = [];
  const propertyFiles: PropertiesSource[] = [];
  for (const modelRoot of modelRoots) {
    for (const rel of files.list(modelRoot, ['**/*.sql'])) {
      const inner = path.posix.relative(modelRoot, rel);
      models.push({
        path: rel,
        text: read(root, rel),
        name: path.posix.basename(rel, '.sql'),
        folder: path.posix.dirname(inner) === '.' ? [] : path.posix.dirname(inner).split('/'),
      });
    }
    if (dbt) {
      for (const rel of files.list(modelRoot, ['**/*.py'])) {
        problems.push(new StrataError('dbt_unsupported', 'Python models are not supported: only SQL models run', { file: rel, line: 1 }));
      }
    }
  }
  // dbt snapshots: `{% snapshot name %}` blocks, each a node built by the snapshot materialization.
  const snapshotRoots = paths.snapshots ?? ['snapshots'];
  for (const snapshotRoot of snapshotRoots) {
    for (const rel of files.list(snapshotRoot, ['**/*.sql'])) {
      const inner = path.posix.relative(snapshotRoot, rel);
      try {
        for (const block of parseSnapshotBlocks(read(root, rel), rel)) {
          models.push({ path: rel, text: block.text, name: block.name, folder: path.posix.dirname(inner) === '.' ? [] : path.posix.dirname(inner).split('/'), resource: 'snapshot' });
        }
      } catch (error) {
        collect(error, errors);
      }
    }
  }
  const seedRoots = paths.seeds ?? ['seeds'];
  const seeds: SeedFile[] = [];
  for (const seedRoot of seedRoots) {
    for (const rel of files.list(seedRoot, ['**/*.csv'])) {
      const inner = path.posix.relative(seedRoot, rel);
      seeds.push({
        path: rel,
        name: path.posix.basename(rel, '.csv'),
        folder: path.posix.dirname(inner) === '.' ? [] : path.posix.dirname(inner).split('/'),
      });
    }
  }
  const yamlCache = YamlParseCache.open(path.join(root, paths.target ?? 'target', 'yaml_parse.jsonl'));
  for (const rel of [...new Set([...modelRoots, ...seedRoots, ...snapshotRoots])].flatMap((dir) => files.list(dir, ['**/*.yml', '**/*.yaml']))) {
    try {
      const yaml = parseYaml(read(root, rel), rel, yamlCache);
      let data = yaml.data ?? {};
      if (dbt) {
        const normalized = normalizeDbtProperties(yaml, settings.dbt?.database ?? '');
        problems.push(...normalized.problems);
        normalized.ignored.forEach((key) => ignoredProperties.add(key));
        data = normalized.data;
      }
      const properties = validate(propertiesFileSchema, data, { file: rel, yaml });
      propertyFiles.push({ yaml, properties });
    } catch (error) {
      collect(error, errors);
    }
  }
  yamlCache.save();
  const testRoots = paths.tests ?? ['tests'];
  // Custom generic tests live in macros/ or in <tests>/generic/, as in dbt.
  // Models written in TypeScript/JavaScript: bundled and their declarations read (src/transformers/).
  const transformerFiles = readTransformerFiles(root, modelRoots, paths.target ?? 'target', files);
  errors.push(...transformerFiles.errors);
  const macros: ProjectFile[] = [
    ...(paths.macros ?? ['macros']).flatMap((dir) => files.list(dir, ['**/*.sql'])),
    ...testRoots.flatMap((dir) => files.list(dir, ['generic/**/*.sql'])),
  ].map((rel) => ({ path: rel, text: read(root, rel) }));
  const singularTests: ProjectFile[] = testRoots
    .flatMap((dir) => files.list(dir, ['**/*.sql'], ['generic/**']))
    .map((rel) => ({ path: rel, text: read(root, rel) }));

  const docs = new Map<string, DocBlock>();
  for (const rel of [...new Set([...modelRoots, ...(paths.docs ?? ['docs'])])].flatMap((dir) => files.list(dir, ['**/*.md']))) {
    for (const block of parseDocBlocks(read(root, rel), rel)) {
      const prior = docs.get(block.name);
      if (prior) {
        errors.push(new StrataError('duplicate_doc', `docs block '${block.name}' is also defined in ${prior.path}`, { file: rel }));
      }
      docs.set(block.name, block);
    }
  }
  const seen = new Map<string, string>();
  for (const model of models) {
    const prior = seen.get(model.name);
    const kind = model.resource ?? 'model';
    if (prior) errors.push(new StrataError(`duplicate_${kind}`, `${kind} '${model.name}' is also defined in ${prior}`, { file: model.path }));
    seen.set(model.name, model.path);
  }
  if (dbt) {
    // Jinja that Strata cannot run is reported before anything is rendered, with its file and line.
    const scanned = new Set<string>();
    for (const file of [...models, ...macros, ...singularTests]) {
      if (scanned.has(file.path)) continue;
      scanned.add(file.path);
      // A snapshot's text is its block only: scan the whole file, once.
      problems.push(...scanUnsupported('resource' in file && file.resource === 'snapshot' ? read(root, file.path) : file.text, file.path));
    }
    if (ignoredProperties.size) warnings.push(`YAML properties with no effect in Strata, ignored: ${[...ignoredProperties].sort().join(', ')}`);
  }
  if (errors.length) {
    const all = [...errors, ...problems];
    throw all.length === 1 ? all[0]! : new StrataErrors(all);
  }
  return { settings, models, seeds, macros, singularTests, properties: propertyFiles, docs, warnings, problems, transformers: transformerFiles.files };
}

function read(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

function collect(error: unknown, into: StrataError[]): void {
  if (error instanceof StrataErrors) into.push(...error.errors);
  else if (error instanceof StrataError) into.push(error);
  else throw error;
}
