import path from 'node:path';
import type { SeedNode } from '../manifest/types.js';
import { inferColumnType } from '../seeds/infer-column-type.js';
import { readSeed } from '../seeds/read-seed.js';
import type { Materializer } from './strategy.js';
import { buildAndSwapTable } from './swap-in.js';

/** Seeds: column types inferred from the CSV (or configured), bulk-loaded, swapped in atomically. */
export const materializeSeed: Materializer<SeedNode> = async (node, context) => {
  const file = path.resolve(context.projectRoot, node.path);
  const table = readSeed(file, node.path, node.config.delimiter);
  const d = context.adapter.dialect;
  const columns = table.header.map((name, i) => ({
    name,
    type: node.config.columnTypes[name] ?? d.typeName(inferColumnType(table.columns[i] ?? [])),
  }));
  const rows = await buildAndSwapTable(node.relation, context, node.config.grants, async (temporary) => {
    return context.adapter.loadCsv(context.connection, { file, relation: temporary, columns, delimiter: node.config.delimiter });
  });
  return { action: 'loaded', rows };
};
