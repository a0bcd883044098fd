/**
 * A compact form of a SELECT's syntax tree with only what column lineage needs: scopes (CTEs,
 * FROM items), select items and the column references of each expression. Built from the JSON
 * that DuckDB's own parser returns (`json_serialize_sql`), small enough to cache per SQL text.
 */

export type QueryIr = SelectIr | SetOperationIr | UnsupportedIr;

export interface Cte {
  readonly name: string;
  readonly columnAliases: readonly string[];
  readonly query: QueryIr;
}

export interface SelectIr {
  readonly kind: 'select';
  readonly ctes: readonly Cte[];
  readonly from: FromIr | undefined;
  readonly items: readonly SelectItemIr[];
  /** `group by all` or an aggregate in the select list makes every plain column a grouping key. */
  readonly aggregated: boolean;
}

export interface SetOperationIr {
  readonly kind: 'setop';
  readonly ctes: readonly Cte[];
  readonly operator: string;
  readonly left: QueryIr;
  readonly right: QueryIr;
}

export interface UnsupportedIr {
  readonly kind: 'unsupported';
  readonly what: string;
}

export type FromIr =
  | { readonly kind: 'table'; readonly schema?: string; readonly name: string; readonly alias?: string; readonly columnAliases: readonly string[] }
  | { readonly kind: 'subquery'; readonly alias?: string; readonly columnAliases: readonly string[]; readonly query: QueryIr }
  | { readonly kind: 'join'; readonly left: FromIr; readonly right: FromIr; readonly using: readonly string[] }
  | { readonly kind: 'values'; readonly alias?: string; readonly columnAliases: readonly string[]; readonly width: number }
  | { readonly kind: 'opaque'; readonly what: string; readonly alias?: string; readonly columnAliases: readonly string[] };

export type SelectItemIr =
  | {
      readonly kind: 'star';
      /** `t.*`: only the columns of `t`. */
      readonly relation?: string;
      readonly exclude: readonly string[];
      readonly replace: readonly { readonly name: string; readonly expr: ExprIr }[];
      /** `COLUMNS(...)` and other forms whose columns depend on a pattern. */
      readonly unsupported?: string;
    }
  | { readonly kind: 'expr'; readonly name?: string; readonly expr: ExprIr };

export interface ExprIr {
  /** Column references, each as written (`[col]`, `[table, col]`, `[schema, table, col]`). */
  readonly refs: readonly (readonly string[])[];
  /** Scalar / IN / EXISTS subqueries inside the expression: their columns feed the value. */
  readonly subqueries: readonly QueryIr[];
  readonly transform: 'direct' | 'expression' | 'aggregate' | 'window' | 'constant';
  /** Something the expression does that lineage cannot follow. */
  readonly unsupported?: string;
}

/** Functions that aggregate rows (DuckDB and PostgreSQL names), for labelling a column `aggregate`. */
const AGGREGATES = new Set([
  'count', 'count_star', 'sum', 'min', 'max', 'avg', 'mean', 'any_value', 'arbitrary', 'first', 'last', 'median', 'mode',
  'string_agg', 'group_concat', 'listagg', 'array_agg', 'list', 'json_group_array', 'json_group_object', 'json_agg', 'jsonb_agg',
  'bool_and', 'bool_or', 'every', 'bit_and', 'bit_or', 'bit_xor', 'product', 'fsum', 'sumkahan', 'kahan_sum', 'favg',
  'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp', 'covar_pop', 'covar_samp', 'corr',
  'approx_count_distinct', 'approx_quantile', 'quantile', 'quantile_cont', 'quantile_disc', 'percentile_cont',
  'percentile_disc', 'arg_max', 'arg_min', 'argmax', 'argmin', 'max_by', 'min_by', 'histogram', 'entropy', 'kurtosis',
  'skewness', 'regr_slope', 'regr_intercept', 'regr_count', 'regr_r2', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy',
  'regr_sxy', 'reservoir_quantile', 'mad', 'geomean', 'geometric_mean', 'bitstring_agg', 'array_agg_distinct',
]);

type Json = Record<string, unknown>;

/** Keys of expression nodes that never hold a column reference (skipped when walking an expression). */
const LEAF_KEYS = new Set(['class', 'type', 'alias', 'query_location', 'cast_type', 'function_name', 'schema', 'catalog', 'value', 'comparison_type', 'subquery_type']);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * The IR of the one statement in a `json_serialize_sql` result. Returns `unsupported` (never
 * throws) for a parse error, several statements or a statement that is not a SELECT.
 */
export function toQueryIr(serialized: unknown): QueryIr {
  if (!isObject(serialized)) return { kind: 'unsupported', what: 'the parser returned nothing' };
  if (serialized.error === true) {
    return { kind: 'unsupported', what: `the SQL could not be parsed: ${str(serialized.error_message) || 'syntax error'}` };
  }
  const statements = Array.isArray(serialized.statements) ? serialized.statements : [];
  if (statements.length !== 1) return { kind: 'unsupported', what: `expected one SELECT statement, found ${statements.length}` };
  const statement = statements[0];
  return isObject(statement) ? queryNode(statement.node) : { kind: 'unsupported', what: 'empty statement' };
}

function queryNode(node: unknown): QueryIr {
  if (!isObject(node)) return { kind: 'unsupported', what: 'an empty query' };
  const ctes = cteList(node.cte_map);
  switch (node.type) {
    case 'SELECT_NODE': {
      const items: SelectItemIr[] = (Array.isArray(node.select_list) ? node.select_list : []).map(selectItem);
      const aggregated =
        node.aggregate_handling === 'FORCE_AGGREGATES' ||
        (Array.isArray(node.group_expressions) && node.group_expressions.length > 0) ||
        items.some((item) => item.kind === 'expr' && item.expr.transform === 'aggregate');
      return { kind: 'select', ctes, from: fromItem(node.from_table), items, aggregated };
    }
    case 'SET_OPERATION_NODE':
      return { kind: 'setop', ctes, operator: str(node.setop_type), left: queryNode(node.left), right: queryNode(node.right) };
    case 'RECURSIVE_CTE_NODE':
      return { kind: 'unsupported', what: 'a recursive CTE' };
    default:
      return { kind: 'unsupported', what: `a ${str(node.type).toLowerCase().replace(/_node$/, '') || 'query'} node` };
  }
}

function cteList(cteMap: unknown): Cte[] {
  if (!isObject(cteMap) || !Array.isArray(cteMap.map)) return [];
  const ctes: Cte[] = [];
  for (const entry of cteMap.map) {
    if (!isObject(entry) || !isObject(entry.value)) continue;
    const query = isObject(entry.value.query) ? queryNode(entry.value.query.node) : { kind: 'unsupported' as const, what: 'an empty CTE' };
    ctes.push({ name: str(entry.key), columnAliases: strings(entry.value.aliases), query });
  }
  return ctes;
}

function fromItem(table: unknown): FromIr | undefined {
  if (!isObject(table)) return undefined;
  const alias = str(table.alias) || undefined;
  const columnAliases = strings(table.column_name_alias);
  switch (table.type) {
    case 'EMPTY':
      return undefined;
    case 'BASE_TABLE':
      return { kind: 'table', schema: str(table.schema_name) || undefined, name: str(table.table_name), alias, columnAliases };
    case 'SUBQUERY':
      return { kind: 'subquery', alias, columnAliases, query: isObject(table.subquery) ? queryNode(table.subquery.node) : { kind: 'unsupported', what: 'an empty subquery' } };
    case 'JOIN': {
      const left = fromItem(table.left);
      const right = fromItem(table.right);
      if (!left || !right) return left ?? right;
      return { kind: 'join', left, right, using: strings(table.using_columns) };
    }
    case 'EXPRESSION_LIST': {
      const first = Array.isArray(table.values) && Array.isArray(table.values[0]) ? table.values[0] : [];
      return { kind: 'values', alias: alias === 'valueslist' ? undefined : alias, columnAliases, width: first.length };
    }
    case 'TABLE_FUNCTION': {
      const fn = isObject(table.function) ? str(table.function.function_name) : '';
      return { kind: 'opaque', what: `table function ${fn || '(unknown)'}()`, alias, columnAliases };
    }
    default:
      return { kind: 'opaque', what: `a ${str(table.type).toLowerCase().replace(/_/g, ' ')}`, alias, columnAliases };
  }
}

function selectItem(item: unknown): SelectItemIr {
  if (!isObject(item)) return { kind: 'expr', expr: { refs: [], subqueries: [], transform: 'constant' } };
  if (item.class === 'STAR') {
    const replace = (Array.isArray(item.replace_list) ? item.replace_list : [])
      .filter(isObject)
      .map((entry) => ({ name: str(entry.key), expr: expression(entry.value) }));
    const renames = Array.isArray(item.rename_list) && item.rename_list.length > 0;
    const unsupported = item.columns === true ? 'a COLUMNS(...) expression' : item.expr ? 'a star expression' : renames ? 'a star with RENAME' : undefined;
    const exclude = [
      ...strings(item.exclude_list),
      ...(Array.isArray(item.qualified_exclude_list) ? item.qualified_exclude_list : []).flatMap((q) =>
        isObject(q) && Array.isArray(q.column_names) ? strings(q.column_names).slice(-1) : [],
      ),
    ];
    return { kind: 'star', relation: str(item.relation_name) || undefined, exclude, replace, unsupported };
  }
  const expr = expression(item);
  const alias = str(item.alias);
  const names = item.class === 'COLUMN_REF' ? strings(item.column_names) : [];
  return { kind: 'expr', name: alias || names[names.length - 1], expr };
}

/** Column references, subqueries and the kind of computation of one expression. */
export function expression(node: unknown): ExprIr {
  const refs: string[][] = [];
  const subqueries: QueryIr[] = [];
  let aggregate = false;
  let window = false;
  let unsupported: string | undefined;
  const visit = (value: unknown, lambdaParams: ReadonlySet<string>): void => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element, lambdaParams);
      return;
    }
    if (!isObject(value)) return;
    switch (value.class) {
      case 'COLUMN_REF': {
        const names = strings(value.column_names);
        if (names.length === 1 && lambdaParams.has(names[0]!.toLowerCase())) return;
        if (names.length) refs.push(names);
        return;
      }
      case 'SUBQUERY':
        if (isObject(value.subquery)) subqueries.push(queryNode(value.subquery.node));
        visit(value.child, lambdaParams);
        return;
      case 'LAMBDA': {
        const params = new Set(lambdaParams);
        const collect = (lhs: unknown): void => {
          if (Array.isArray(lhs)) lhs.forEach(collect);
          else if (isObject(lhs) && lhs.class === 'COLUMN_REF') for (const n of strings(lhs.column_names)) params.add(n.toLowerCase());
          else if (isObject(lhs)) visit(lhs.children, lambdaParams);
        };
        collect(value.lhs);
        visit(value.expr, params);
        return;
      }
      case 'WINDOW':
        window = true;
        break;
      case 'FUNCTION':
        if (AGGREGATES.has(str(value.function_name).toLowerCase())) aggregate = true;
        break;
      case 'STAR':
        // count(*) arrives as count_star(); any other star inside an expression (struct_pack(*), …)
        // depends on every column in scope, which lineage does not expand.
        unsupported = 'a * inside an expression';
        return;
      case 'CONSTANT':
      case 'PARAMETER':
      case 'DEFAULT':
        return;
      default:
        break;
    }
    for (const key in value) {
      if (LEAF_KEYS.has(key)) continue;
      const child = value[key];
      if (typeof child === 'object' && child !== null) visit(child, lambdaParams);
    }
  };
  visit(node, new Set());
  const isColumn = isObject(node) && node.class === 'COLUMN_REF';
  const transform: ExprIr['transform'] = window
    ? 'window'
    : aggregate
      ? 'aggregate'
      : isColumn
        ? 'direct'
        : refs.length === 0 && subqueries.length === 0
          ? 'constant'
          : 'expression';
  return unsupported ? { refs, subqueries, transform, unsupported } : { refs, subqueries, transform };
}
