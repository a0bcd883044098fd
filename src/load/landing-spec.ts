import type { LogicalType } from '../adapters/contract.js';
import type { ProjectConfig } from '../config/project-config.js';
import type { Relation, SourceNode } from '../manifest/types.js';
import { StrataError, StrataErrors } from '../shared/errors.js';
import { RESERVED_NAMES } from './lineage-columns.js';
import { parseTypeName } from './parse-type-name.js';

export type LandingFormat = 'csv' | 'json' | 'tiff';

/** Limits every file of a source table is held to. */
export interface LoadLimits {
  readonly maxLineBytes: number;
  readonly maxInflateRatio: number;
  readonly maxPixels: number;
  readonly sampleRows: number;
}

/** How a source table's landing files are found and read: the loader's view of a SourceNode. */
export interface LandingSpec {
  readonly uniqueId: string;
  /** `source.table`, as in selectors and messages. */
  readonly name: string;
  readonly relation: Relation;
  /** The glob as declared. */
  readonly landing: string;
  /** Undefined: told from each file's name. */
  readonly format: LandingFormat | undefined;
  readonly loadMode: 'snapshot' | 'delta';
  readonly loadDate: { readonly pattern: RegExp; readonly format: string | undefined } | undefined;
  readonly onError: 'fail' | 'continue';
  readonly delimiter: string;
  /** Columns listed in YAML, with their type when one is declared. */
  readonly declared: readonly { readonly name: string; readonly type: LogicalType | undefined }[];
  readonly limits: LoadLimits;
  /** The YAML file declaring the source. */
  readonly definedIn: string;
}

/** The landing specs of the source nodes that declare `landing`; bad declarations are errors naming the file and key. */
export function landingSpecs(nodes: readonly SourceNode[], config: ProjectConfig): LandingSpec[] {
  const errors: StrataError[] = [];
  const specs: LandingSpec[] = [];
  const relations = new Map<string, string>();
  for (const node of nodes) {
    const s = node.settings;
    if (!s.landing) continue;
    const key = (k: string): string => `sources.${node.sourceName}.tables.${node.tableName}.${k}`;
    const declared = node.columns
      .filter((c) => !RESERVED_NAMES.has(c.name))
      .map((c) => {
        const type = c.dataType === undefined ? undefined : parseTypeName(c.dataType);
        if (c.dataType !== undefined && type === undefined) {
          errors.push(
            new StrataError('bad_column_type', `column '${c.name}' of source ${node.name} has data_type '${c.dataType}', which the loader does not know: use boolean, integer, bigint, double, decimal(p,s), text, date, timestamp, timestamptz or json`, {
              file: node.path,
              key: key('columns'),
            }),
          );
        }
        return { name: c.name, type };
      });
    const relationKey = `${node.relation.schema}.${node.relation.identifier}`;
    const other = relations.get(relationKey);
    if (other) {
      errors.push(new StrataError('duplicate_raw_table', `sources ${other} and ${node.name} would both load into ${relationKey}: give one an identifier or a schema`, { file: node.path, key: key('identifier') }));
    }
    relations.set(relationKey, node.name);
    const loadDate = typeof s.load_date === 'string' ? { pattern: s.load_date } : s.load_date;
    specs.push({
      uniqueId: node.uniqueId,
      name: node.name,
      relation: node.relation,
      landing: s.landing,
      format: s.format,
      loadMode: s.load ?? 'delta',
      loadDate: loadDate ? { pattern: new RegExp(loadDate.pattern), format: loadDate.format } : undefined,
      onError: s.on_error ?? 'fail',
      delimiter: s.delimiter ?? ',',
      declared,
      limits: {
        maxLineBytes: s.max_line_bytes ?? config.load.max_line_bytes,
        maxInflateRatio: s.max_inflate_ratio ?? config.load.max_inflate_ratio,
        maxPixels: s.max_pixels ?? config.load.max_pixels,
        sampleRows: config.load.sample_rows,
      },
      definedIn: node.path,
    });
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new StrataErrors(errors);
  return specs;
}

/** The format of a file from its name, for specs that do not say. */
export function formatFromName(file: string): LandingFormat | undefined {
  const name = file.toLowerCase().replace(/\.(gz|gzip)$/, '');
  if (/\.(csv|tsv|txt)$/.test(name)) return 'csv';
  if (/\.(json|ndjson|jsonl)$/.test(name)) return 'json';
  if (/\.(tif|tiff)$/.test(name)) return 'tiff';
  return undefined;
}
