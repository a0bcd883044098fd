import type { LoadedProjectConfig } from '../config/load-project-config.js';
import type { StrataError } from '../shared/errors.js';
import type { PropertiesFile } from './properties-schema.js';
import type { YamlFile } from './read-yaml.js';
import type { TransformerFile } from '../transformers/read-transformer-files.js';

/** A text file of the project: its path relative to the project root and its content. */
export interface ProjectFile {
  /** Relative to the project root, with forward slashes. */
  readonly path: string;
  readonly text: string;
}

/** A model's SQL file. `folder` is the path below its models root, used for folder defaults. */
export interface ModelFile extends ProjectFile {
  readonly name: string;
  readonly folder: readonly string[];
  /** `snapshot` for a `{% snapshot %}` block (its text is the file's with the rest blanked); a model otherwise. */
  readonly resource?: 'snapshot';
}

/** A seed CSV file (read lazily: seeds can be large). */
export interface SeedFile {
  readonly path: string;
  readonly name: string;
  readonly folder: readonly string[];
}

/** A validated properties (YAML) file. */
export interface PropertiesSource {
  readonly yaml: YamlFile;
  readonly properties: PropertiesFile;
}

/** A `{% docs name %}` block. */
export interface DocBlock {
  readonly name: string;
  readonly text: string;
  readonly path: string;
}

/** Everything read from disk: plain records, no rendering yet. */
export interface LoadedProject {
  readonly settings: LoadedProjectConfig;
  readonly models: readonly ModelFile[];
  readonly seeds: readonly SeedFile[];
  readonly macros: readonly ProjectFile[];
  /** SQL files in the tests folders (outside `generic/`): tests that pass when they return no rows. */
  readonly singularTests: readonly ProjectFile[];
  readonly properties: readonly PropertiesSource[];
  readonly docs: ReadonlyMap<string, DocBlock>;
  /** Models written in TypeScript/JavaScript (`.ts`/`.js` files of the model folders), bundled, with their declarations. */
  readonly transformers?: readonly TransformerFile[];
  /** Things read but without effect (ignored dbt settings, packages not installed), for the command's output. */
  readonly warnings?: readonly string[];
  /**
   * dbt constructs Strata cannot run, found while reading (settings, YAML, Jinja), each naming
   * its file and line. Compile reports them together with what rendering finds, before anything runs.
   */
  readonly problems?: readonly StrataError[];
}
