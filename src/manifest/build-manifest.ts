import type { CompiledProject } from '../compile/compile-project.js';
import { STRATA_VERSION } from '../shared/version.js';
import type { MacroInfo, Manifest } from './types.js';

/** The manifest of a compiled project: every node, macro and docs block, with parent and child maps. */
export function buildManifest(compiled: CompiledProject): Manifest {
  const { settings } = compiled.project;
  const nodes = Object.fromEntries([...compiled.nodes].sort(([a], [b]) => compareCodeUnits(a, b)));
  const macros: Record<string, MacroInfo> = {};
  for (const [name, path] of compiled.engine.macroFiles) {
    const file = compiled.project.macros.find((m) => m.path === path);
    const args = file ? new RegExp(`macro\\s+${name}\\s*\\(([^)]*)\\)`).exec(file.text)?.[1] : undefined;
    macros[`macro.${settings.config.name}.${name}`] = {
      name,
      path,
      arguments: (args ?? '').split(',').map((a) => a.trim().split('=')[0]!.trim()).filter(Boolean),
    };
  }
  const docs: Record<string, { path: string; text: string }> = {};
  for (const [name, block] of compiled.project.docs) docs[name] = { path: block.path, text: block.text };
  return {
    metadata: {
      schemaVersion: 1,
      strataVersion: STRATA_VERSION,
      generatedAt: new Date().toISOString(),
      projectName: settings.config.name,
      projectVersion: settings.config.version,
      target: settings.targetName,
      adapter: settings.target.adapter,
    },
    nodes,
    macros,
    docs,
    parentMap: Object.fromEntries([...compiled.dag.parents].map(([id, p]) => [id, [...p].sort()])),
    childMap: Object.fromEntries([...compiled.dag.children].map(([id, c]) => [id, [...c].sort()])),
  };
}

/** Orders ids by UTF-16 code units: the same in every locale, and without loading ICU's collator as localeCompare does. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
