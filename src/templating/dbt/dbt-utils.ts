import type { ColumnDescription, Dialect } from '../../adapters/contract.js';
import { StrataError } from '../../shared/errors.js';
import type { AgateTable } from './agate-table.js';
import { bindArgs, listArg } from './macro-args.js';

type Macro = (...args: unknown[]) => unknown;

/** What the dbt_utils macros need from the render in progress. */
export interface DbtUtilsRuntime {
  readonly dialect: Dialect;
  /** dbt's cross-database macros for the same engine (`dateadd`, `type_string`, …). */
  readonly crossDb: Readonly<Record<string, Macro>>;
  /** A project var, or `fallback`. */
  variable(name: string, fallback: unknown): unknown;
  /** The columns of a relation; undefined at compile time (the render is then marked to run again when the model runs). */
  columnsOf(relation: unknown, macro: string): readonly ColumnDescription[] | undefined;
  /** Whether a relation exists; undefined at compile time. */
  relationExists(relation: unknown, macro: string): boolean | undefined;
  /** The rows of a query; undefined at compile time. */
  query(sql: string, macro: string): AgateTable | undefined;
  /** The relation as dbt prints it in text: `"database"."schema"."identifier"`. */
  relationName(relation: unknown): string;
}

/** Names of the dbt_utils macros Strata provides. */
export const DBT_UTILS_MACROS = [
  'generate_surrogate_key',
  'star',
  'date_spine',
  'pivot',
  'union_relations',
  'get_column_values',
  'get_filtered_columns_in_relation',
  'get_single_value',
  'generate_series',
  'safe_add',
  'safe_subtract',
  'safe_divide',
  'slugify',
  'group_by',
  'deduplicate',
] as const;

/**
 * The most used dbt_utils macros, built in because packages cannot be downloaded: the SQL they
 * produce is dbt_utils' own (1.x), spelt for the target's engine. Macros that read the database
 * (`star`, `union_relations`, `get_column_values`, …) behave as in dbt when `execute` is false at
 * compile time, and are rendered again with the database when the model runs.
 */
export function dbtUtilsMacros(rt: DbtUtilsRuntime): Record<string, Macro> {
  const d = rt.dialect;
  const x = rt.crossDb;
  const call = (name: string, ...args: unknown[]): string => String(x[name]!(...args));
  const text = (v: unknown): string => String(v);
  const macros: Record<(typeof DBT_UTILS_MACROS)[number] | 'surrogate_key', Macro> = {
    generate_surrogate_key: (...args) => {
      const { field_list } = bindArgs('dbt_utils.generate_surrogate_key', args, ['field_list']);
      const treatNullsAsEmpty = rt.variable('surrogate_key_treat_nulls_as_empty_strings', false);
      const fallback = treatNullsAsEmpty ? '' : '_dbt_utils_surrogate_key_null_';
      const fields: string[] = [];
      listArg(field_list).forEach((field, i, all) => {
        fields.push(`coalesce(cast(${text(field)} as ${call('type_string')}), '${fallback}')`);
        if (i < all.length - 1) fields.push("'-'");
      });
      return call('hash', call('concat', fields));
    },
    surrogate_key: () => {
      throw new StrataError('dbt_unsupported', 'dbt_utils.surrogate_key() was removed in dbt_utils 1.0: use dbt_utils.generate_surrogate_key([...]) (note it hashes NULLs differently)');
    },
    get_filtered_columns_in_relation: (...args) => {
      const a = bindArgs('dbt_utils.get_filtered_columns_in_relation', args, ['from', 'except'], { except: [] });
      const columns = rt.columnsOf(a.from, 'dbt_utils.get_filtered_columns_in_relation');
      if (!columns) return [];
      const except = new Set(listArg(a.except).map((c) => String(c).toLowerCase()));
      return columns.map((c) => c.name).filter((name) => !except.has(name.toLowerCase()));
    },
    star: (...args) => {
      const a = bindArgs('dbt_utils.star', args, ['from', 'relation_alias', 'except', 'prefix', 'suffix', 'quote_identifiers'], {
        relation_alias: false,
        except: [],
        prefix: '',
        suffix: '',
        quote_identifiers: true,
      });
      const columns = rt.columnsOf(a.from, 'dbt_utils.star');
      if (!columns) return '*';
      const except = new Set(listArg(a.except).map((c) => String(c).toLowerCase()));
      const names = columns.map((c) => c.name).filter((name) => !except.has(name.toLowerCase()));
      if (names.length === 0) return '/* no columns returned from star() macro */';
      const prefix = text(a.prefix);
      const suffix = text(a.suffix);
      const renamed = prefix !== '' || suffix !== '';
      const spell = (name: string): string => (a.quote_identifiers ? d.quoteIdentifier(name) : name);
      return names
        .map((name) => `${a.relation_alias ? `${text(a.relation_alias)}.` : ''}${spell(name)}${renamed ? ` as ${spell(prefix + name + suffix)}` : ''}`)
        .join(',\n  ');
    },
    date_spine: (...args) => {
      const a = bindArgs('dbt_utils.date_spine', args, ['datepart', 'start_date', 'end_date']);
      const part = String(a.datepart).toLowerCase();
      const step = part === 'quarter' ? `interval '3 month'` : `interval '1 ${part}'`;
      if (!['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'].includes(part)) {
        throw new StrataError('template_error', `dbt_utils.date_spine(): unknown datepart '${String(a.datepart)}'`);
      }
      const column = d.quoteIdentifier(`date_${part}`);
      const start = `cast(${text(a.start_date)} as timestamp)`;
      const end = `cast(${text(a.end_date)} as timestamp)`;
      // The periods from start_date (included) to end_date (excluded), as dbt_utils returns them.
      return `select * from (\n  select cast(spine.period as timestamp) as ${column}\n  from generate_series(${start}, ${end}, ${step}) as spine(period)\n) as date_spine\nwhere ${column} < ${end}`;
    },
    pivot: (...args) => {
      const a = bindArgs('dbt_utils.pivot', args, ['column', 'values', 'alias', 'agg', 'cmp', 'prefix', 'suffix', 'then_value', 'else_value', 'quote_identifiers', 'distinct'], {
        alias: true,
        agg: 'sum',
        cmp: '=',
        prefix: '',
        suffix: '',
        then_value: 1,
        else_value: 0,
        quote_identifiers: true,
        distinct: false,
      });
      return listArg(a.values)
        .map((value) => {
          const label = `${text(a.prefix)}${text(value)}${text(a.suffix)}`;
          const alias = a.alias ? ` as ${a.quote_identifiers ? d.quoteIdentifier(label) : slugify(label)}` : '';
          const escaped = text(value).replaceAll("'", "''");
          return `${text(a.agg)}(${a.distinct ? 'distinct ' : ''}case when ${text(a.column)} ${text(a.cmp)} '${escaped}' then ${text(a.then_value)} else ${text(a.else_value)} end)${alias}`;
        })
        .join(',\n  ');
    },
    union_relations: (...args) => {
      const a = bindArgs('dbt_utils.union_relations', args, ['relations', 'column_override', 'include', 'exclude', 'source_column_name', 'where'], {
        column_override: null,
        include: [],
        exclude: [],
        source_column_name: '_dbt_source_relation',
        where: null,
      });
      const include = listArg(a.include).map((c) => String(c).toLowerCase());
      const exclude = listArg(a.exclude).map((c) => String(c).toLowerCase());
      if (include.length && exclude.length) throw new StrataError('template_error', 'dbt_utils.union_relations(): both include and exclude were provided; use one');
      const relations = listArg(a.relations);
      const perRelation: { relation: unknown; columns: Set<string> }[] = [];
      const superset = new Map<string, ColumnDescription>();
      for (const relation of relations) {
        const columns = rt.columnsOf(relation, 'dbt_utils.union_relations');
        if (!columns) return '';
        const kept = new Set<string>();
        for (const column of columns) {
          const lower = column.name.toLowerCase();
          if ((exclude.length && exclude.includes(lower)) || (include.length && !include.includes(lower))) continue;
          kept.add(column.name);
          if (!superset.has(column.name)) superset.set(column.name, column);
        }
        perRelation.push({ relation, columns: kept });
      }
      if ((include.length || exclude.length) && superset.size === 0) {
        throw new StrataError('template_error', 'dbt_utils.union_relations(): no columns were left after include/exclude');
      }
      const overrides = (a.column_override ?? {}) as Record<string, unknown>;
      return perRelation
        .map(({ relation, columns }) => {
          const select: string[] = [];
          if (a.source_column_name !== null && a.source_column_name !== undefined) {
            select.push(`cast(${call('string_literal', rt.relationName(relation))} as ${call('type_string')}) as ${text(a.source_column_name)}`);
          }
          for (const [name, column] of superset) {
            const type = typeof overrides[name] === 'string' ? (overrides[name] as string) : column.type;
            select.push(`cast(${columns.has(name) ? d.quoteIdentifier(name) : 'null'} as ${type}) as ${d.quoteIdentifier(name)}`);
          }
          const where = a.where ? `\n  where ${text(a.where)}` : '';
          return `(\n  select\n    ${select.join(',\n    ')}\n  from ${text(relation)}${where}\n)`;
        })
        .join('\nunion all\n');
    },
    get_column_values: (...args) => {
      const a = bindArgs('dbt_utils.get_column_values', args, ['table', 'column', 'order_by', 'max_records', 'default', 'where'], {
        order_by: 'count(*) desc',
        max_records: null,
        default: null,
        where: null,
      });
      const exists = rt.relationExists(a.table, 'dbt_utils.get_column_values');
      if (exists === undefined) return a.default ?? [];
      if (!exists) {
        if (a.default === null || a.default === undefined) {
          throw new StrataError('template_error', `In get_column_values(): relation ${rt.relationName(a.table)} does not exist and no default value was provided.`);
        }
        return a.default;
      }
      const sql = [
        `select ${text(a.column)} as value`,
        `from ${text(a.table)}`,
        a.where !== null && a.where !== undefined ? `where ${text(a.where)}` : '',
        `group by ${text(a.column)}`,
        `order by ${text(a.order_by)}`,
        a.max_records !== null && a.max_records !== undefined ? `limit ${text(a.max_records)}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      const table = rt.query(sql, 'dbt_utils.get_column_values');
      return table ? table.rows.map((row) => row.at(0)) : (a.default ?? []);
    },
    get_single_value: (...args) => {
      const a = bindArgs('dbt_utils.get_single_value', args, ['sql_statement', 'default'], { default: null });
      const table = rt.query(text(a.sql_statement), 'dbt_utils.get_single_value');
      if (!table) return a.default;
      const row = table.rows[0];
      if (!row) {
        if (a.default !== null && a.default !== undefined) return a.default;
        throw new StrataError('template_error', 'dbt_utils.get_single_value(): the query returned no rows and no default was given');
      }
      return row.at(0);
    },
    generate_series: (...args) => {
      const { upper_bound } = bindArgs('dbt_utils.generate_series', args, ['upper_bound']);
      return `select series.n as generated_number from generate_series(1, ${text(upper_bound)}) as series(n)`;
    },
    safe_add: (...args) => {
      const { field_list } = bindArgs('dbt_utils.safe_add', args, ['field_list']);
      return listArg(field_list).map((f) => `coalesce(${text(f)}, 0)`).join(' +\n ');
    },
    safe_subtract: (...args) => {
      const { field_list } = bindArgs('dbt_utils.safe_subtract', args, ['field_list']);
      return listArg(field_list).map((f) => `coalesce(${text(f)}, 0)`).join(' -\n ');
    },
    safe_divide: (...args) => {
      const a = bindArgs('dbt_utils.safe_divide', args, ['numerator', 'denominator']);
      return `( ${text(a.numerator)} ) / nullif( ( ${text(a.denominator)} ), 0)`;
    },
    slugify: (...args) => slugify(text(bindArgs('dbt_utils.slugify', args, ['string']).string)),
    group_by: (...args) => {
      const n = Number(bindArgs('dbt_utils.group_by', args, ['n']).n);
      return `group by ${Array.from({ length: n }, (_, i) => i + 1).join(',')}`;
    },
    deduplicate: (...args) => {
      const a = bindArgs('dbt_utils.deduplicate', args, ['relation', 'partition_by', 'order_by']);
      return `select distinct on (${text(a.partition_by)}) *\nfrom ${text(a.relation)}\norder by ${text(a.partition_by)}, ${text(a.order_by)}`;
    },
  };
  return macros;
}

/** dbt_utils.slugify: lower case, spaces and dashes to underscores, other punctuation dropped, no leading digit. */
function slugify(value: string): string {
  const slug = value
    .toLowerCase()
    .replace(/[ -]+/g, '_')
    .replace(/[^a-z0-9_]+/g, '');
  return /^\d/.test(slug) ? `_${slug}` : slug;
}
