import type { ProjectConfig } from '../config/project-config.js';
import { StrataError } from '../shared/errors.js';
import type { TemplateEngine } from '../templating/template-engine.js';

/** What naming macros see as `node` (dbt's node object, the parts they read). */
export interface NamedNode {
  readonly name: string;
  readonly resourceType: 'model' | 'seed' | 'snapshot';
  readonly path: string;
  readonly fqn: readonly string[];
  readonly tags: readonly string[];
}

/** How the schema and identifier of models, seeds and snapshots are decided. */
export interface RelationNaming {
  /** The schema of a node whose `schema` config is `custom` (undefined: none). */
  schema(custom: string | undefined, node: NamedNode): string;
  /** The identifier of a node whose `alias` config is `custom`. */
  identifier(custom: string | undefined, node: NamedNode): string;
}

/**
 * The project's naming rule: a `generate_schema_name(custom_schema_name, node)` /
 * `generate_alias_name(custom_alias_name, node)` macro of the project when it defines one (as
 * in dbt), else `schema_naming`: `exact` (the custom schema as written) or `target_prefix`
 * (`<target schema>_<custom>`, dbt's default). No custom schema means the target's schema.
 */
export function relationNaming(config: ProjectConfig, targetSchema: string, engine: TemplateEngine): RelationNaming {
  const cache = new Map<string, string>();
  const viaMacro = (macro: string, argName: string, custom: string | undefined, node: NamedNode): string | undefined => {
    if (!engine.macroFiles.has(macro)) return undefined;
    const key = `${macro}\u0000${custom ?? ''}\u0000${node.resourceType}\u0000${node.path}\u0000${node.name}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const nodeObject = {
      name: node.name,
      resource_type: node.resourceType,
      path: node.path,
      original_file_path: node.path,
      fqn: [...node.fqn],
      tags: [...node.tags],
      unique_id: `${node.resourceType}.${config.name}.${node.name}`,
      package_name: config.name,
    };
    const out = engine.callMacro(macro, { [argName]: custom ?? null, node: nodeObject }, node.path)!;
    const value = out.sql.trim();
    if (!value) throw new StrataError('invalid_config', `${macro}() returned an empty name for ${node.resourceType} '${node.name}'`, { file: engine.macroFiles.get(macro) });
    cache.set(key, value);
    return value;
  };
  return {
    schema(custom, node) {
      const trimmed = custom?.trim();
      const fromMacro = viaMacro('generate_schema_name', 'custom_schema_name', trimmed, node);
      if (fromMacro !== undefined) return fromMacro;
      if (!trimmed) return targetSchema;
      return config.schema_naming === 'target_prefix' ? `${targetSchema}_${trimmed}` : trimmed;
    },
    identifier(custom, node) {
      const fromMacro = viaMacro('generate_alias_name', 'custom_alias_name', custom?.trim(), node);
      if (fromMacro !== undefined) return fromMacro;
      return custom?.trim() || node.name;
    },
  };
}
