import type { ColumnDescription } from '../../adapters/contract.js';
import type { ModelNode } from '../../manifest/types.js';
import { StrataError } from '../../shared/errors.js';
import { RAW_SYSTEM_COLUMNS, REQUIRED_LINEAGE, VERSION_COLUMNS } from './system-columns.js';

/** The columns of a history model, decided from what its query returns and its config. */
export interface HistoryShape {
  readonly key: readonly string[];
  /** The entity's columns (key included) in the query's order: everything but the raw lineage. */
  readonly entity: readonly ColumnDescription[];
  /** Columns whose change opens a new version, sorted by name (so reordering changes no hash). */
  readonly tracked: readonly ColumnDescription[];
  /** Engine type names of the lineage columns, for typed NULLs. */
  readonly lineageTypes: Readonly<Record<(typeof REQUIRED_LINEAGE)[number], string>>;
}

/** Checks the query's columns against the config; errors name the model, the key and the columns available. */
export function historyShape(node: ModelNode, columns: readonly ColumnDescription[]): HistoryShape {
  const settings = node.config.history!;
  const where = { node: node.name, file: node.path };
  const byName = new Map(columns.map((c) => [c.name, c]));
  const missing = REQUIRED_LINEAGE.filter((name) => !byName.has(name));
  if (missing.length) {
    throw new StrataError(
      'history_lineage',
      `a history model reads the raw layer and needs its lineage column(s) ${missing.join(', ')}; select them (e.g. select * from {{ source(...) }})`,
      where,
      'execution',
    );
  }
  const entity = columns.filter((c) => !RAW_SYSTEM_COLUMNS.has(c.name));
  const clash = entity.filter((c) => VERSION_COLUMNS.has(c.name)).map((c) => c.name);
  if (clash.length) {
    throw new StrataError('history_columns', `the query returns ${clash.join(', ')}, which the history table adds itself; rename them`, where, 'execution');
  }
  const available = entity.map((c) => c.name).join(', ');
  const unknown = (key: string, names: readonly string[]): void => {
    const bad = names.filter((n) => !entity.some((c) => c.name === n));
    if (bad.length) {
      throw new StrataError('invalid_config', `${bad.map((b) => `'${b}'`).join(', ')} is not a column of the model's query (columns: ${available})`, { ...where, key }, 'execution');
    }
  };
  const key = node.config.uniqueKey;
  unknown('unique_key', key);
  const check = settings.checkCols;
  if (check) unknown('check_cols', check);
  const tracked = entity
    .filter((c) => (check ? check.includes(c.name) : !key.includes(c.name)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const typeOf = (name: string): string => byName.get(name)!.type;
  return {
    key,
    entity,
    tracked,
    lineageTypes: { _load_id: typeOf('_load_id'), _load_date: typeOf('_load_date'), _source_file: typeOf('_source_file'), _source_row: typeOf('_source_row') },
  };
}
