import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedProject } from '../project/types.js';
import { sha256 } from '../shared/hash.js';
import { stableJson } from '../shared/stable-json.js';

/**
 * A hash of what a project builds, independent of the engine and of where it is deployed: models,
 * seeds, macros, tests, YAML properties, docs blocks and the parts of strata.yml that shape
 * models (not targets or environments), with `--vars` on top. Equal hashes mean the same project,
 * e.g. the same commit built with the same vars.
 */
export function projectFilesHash(project: LoadedProject, root: string, cliVars: Readonly<Record<string, unknown>> = {}): string {
  const { config } = project.settings;
  const byPath = <T extends { readonly path: string }>(files: readonly T[]): T[] => [...files].sort((a, b) => a.path.localeCompare(b.path));
  return sha256(
    stableJson({
      config: { name: config.name, version: config.version, vars: { ...config.vars, ...cliVars }, models: config.models, seeds: config.seeds, test_gate: config.test_gate },
      models: byPath(project.models).map((m) => [m.path, m.text]),
      seeds: byPath(project.seeds).map((s) => [s.path, sha256(readFileSync(path.resolve(root, s.path)))]),
      macros: byPath(project.macros).map((m) => [m.path, m.text]),
      tests: byPath(project.singularTests).map((t) => [t.path, t.text]),
      properties: [...project.properties].sort((a, b) => a.yaml.file.localeCompare(b.yaml.file)).map((p) => [p.yaml.file, p.yaml.data]),
      docs: [...project.docs.values()].map((d) => [d.name, d.text]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    }),
  );
}
