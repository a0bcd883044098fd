/** An ephemeral model's CTE: its name and body (already resolved, including its own ephemerals). */
export interface EphemeralCte {
  readonly name: string;
  readonly sql: string;
}

const LEADING_WITH = /^(\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*)with(\s+recursive)?\b/i;

/**
 * Prepends ephemeral models as CTEs. When the model already starts with WITH, the CTEs join its
 * list, so `with a as (...) select ...` stays one valid statement.
 */
export function inlineEphemerals(sql: string, ctes: readonly EphemeralCte[]): string {
  if (ctes.length === 0) return sql;
  const list = ctes.map((cte) => `${cte.name} as (\n${cte.sql.trim()}\n)`).join(',\n');
  const match = LEADING_WITH.exec(sql);
  if (match) {
    const recursive = match[2] ? ' recursive' : '';
    return `${match[1]}with${recursive} ${list},\n${sql.slice(match[0].length).trimStart()}`;
  }
  return `with ${list}\n${sql.trimStart()}`;
}
