import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { loadProjectConfig } from '../config/load-project-config.js';
import { validate } from '../config/validate.js';
import { StrataError, StrataErrors } from '../shared/errors.js';
import { parseDocBlocks } from './parse-doc-blocks.js';
import { propertiesFileSchema } from './properties-schema.js';
import { parseYaml } from './read-yaml.js';
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

  const models: ModelFile[] = [];
  const propertyFiles: PropertiesSource[] = [];
  for (const modelRoot of modelRoots) {
    for (const rel of list(root, modelRoot, ['**/*.sql'])) {
      const inner = path.posix.relative(modelRoot, rel);
      models.push({
        path: rel,
        text: read(root, rel),
        name: path.posix.basename(rel, '.sql'),
        folder: path.posix.dirname(inner) === '.' ? [] : path.posix.dirname(inner).split('/'),
      });
    }
  }
  const seedRoots = paths.seeds ?? ['seeds'];
  const seeds: SeedFile[] = [];
  for (const seedRoot of seedRoots) {
    for (const rel of list(root, seedRoot, ['**/*.csv'])) {
      const inner = path.posix.relative(seedRoot, rel);
      seeds.push({
        path: rel,
        name: path.posix.basename(rel, '.csv'),
        folder: path.posix.dirname(inner) === '.' ? [] : path.posix.dirname(inner).split('/'),
      });
    }
  }
  for (const rel of [...modelRoots, ...seedRoots].flatMap((dir) => list(root, dir, ['**/*.yml', '**/*.yaml']))) {
    try {
      const yaml = parseYaml(read(root, rel), rel);
      const properties = validate(propertiesFileSchema, yaml.data ?? {}, { file: rel, yaml });
      propertyFiles.push({ yaml, properties });
    } catch (error) {
      collect(error, errors);
    }
  }
  const testRoots = paths.tests ?? ['tests'];
  // Custom generic tests live in macros/ or in <tests>/generic/, as in dbt.
  const macros: ProjectFile[] = [
    ...(paths.macros ?? ['macros']).flatMap((dir) => list(root, dir, ['**/*.sql'])),
    ...testRoots.flatMap((dir) => list(root, dir, ['generic/**/*.sql'])),
  ].map((rel) => ({ path: rel, text: read(root, rel) }));
  const singularTests: ProjectFile[] = testRoots
    .flatMap((dir) => list(root, dir, ['**/*.sql'], ['generic/**']))
    .map((rel) => ({ path: rel, text: read(root, rel) }));

  const docs = new Map<string, DocBlock>();
  for (const rel of [...new Set([...modelRoots, ...(paths.docs ?? ['docs'])])].flatMap((dir) => list(root, dir, ['**/*.md']))) {
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
    if (prior) errors.push(new StrataError('duplicate_model', `model '${model.name}' is also defined in ${prior}`, { file: model.path }));
    seen.set(model.name, model.path);
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new StrataErrors(errors);
  return { settings, models, seeds, macros, singularTests, properties: propertyFiles, docs };
}

function list(root: string, dir: string, patterns: string[], ignore: string[] = []): string[] {
  const cwd = path.resolve(root, dir);
  return globSync(patterns, { cwd, onlyFiles: true, dot: false, ignore })
    .sort()
    .map((rel) => path.posix.join(dir.split(path.sep).join('/'), rel));
}

function read(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

function collect(error: unknown, into: StrataError[]): void {
  if (error instanceof StrataErrors) into.push(...error.errors);
  else if (error instanceof StrataError) into.push(error);
  else throw error;
}
