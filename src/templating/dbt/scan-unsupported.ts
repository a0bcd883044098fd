import { StrataError } from '../../shared/errors.js';
import { DBT_NAMESPACE_MEMBERS } from './dbt-context.js';
import { crossDbMacros } from './cross-db-macros.js';
import type { Dialect } from '../../adapters/contract.js';

/** One rule: a pattern inside a Jinja tag and what to tell the user. */
interface Rule {
  /** Words one of which a tag must contain for the pattern to be tried (a cheap test first). */
  readonly needles: readonly string[];
  readonly pattern: RegExp;
  readonly message: (match: RegExpExecArray) => string | undefined;
}

const CROSS_DB = new Set(Object.keys(crossDbMacros({ name: 'duckdb' } as Dialect)));
const MEMBERS: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(Object.entries(DBT_NAMESPACE_MEMBERS).map(([k, v]) => [k, new Set<string>(v)]));
const TARGET_FIELDS = new Set(['name', 'schema', 'type', 'threads', 'database', 'profile_name']);
const DATETIME_MEMBERS = new Set(['datetime', 'date', 'timedelta', 'timezone']);

const RULES: readonly Rule[] = [
  { needles: ['materialization'], pattern: /^\s*-?\s*materialization\b/, message: () => 'custom materializations ({% materialization %}) are not supported: use view, table, incremental, ephemeral or a Strata materialization' },
  { needles: ['with'], pattern: /^\s*-?\s*with\b/, message: () => '{% with %} blocks are not supported: use {% set %}' },
  { needles: ['import', 'from', 'include', 'extends', 'block'], pattern: /^\s*-?\s*(import|from|include|extends|block)\b/, message: (m) => `{% ${m[1]} %} is not supported: put shared code in macros, which every template can call` },
  { needles: ['recursive'], pattern: /^\s*-?\s*for\b[\s\S]*\brecursive\b/, message: () => 'recursive loops are not supported' },
  { needles: ['loop.'], pattern: /\bloop\.(cycle|previtem|nextitem|depth|depth0|changed)\b/, message: (m) => `loop.${m[1]} is not supported (loop.index, index0, revindex, first, last and length are)` },
  { needles: ['varargs', 'kwargs'], pattern: /\b(varargs|kwargs)\b/, message: (m) => `macros taking extra arguments through '${m[1]}' are not supported: declare every argument` },
  { needles: ['graph'], pattern: /(?<![\w.])graph\s*[.[]/, message: () => "the 'graph' context variable is not supported" },
  { needles: ['flags'], pattern: /(?<![\w.])flags\s*\./, message: () => "'flags' are not supported (use is_incremental() for incremental logic)" },
  { needles: ['selected_resources'], pattern: /(?<![\w.])selected_resources\b/, message: () => "'selected_resources' is not supported" },
  { needles: ['api'], pattern: /(?<![\w.])api\s*\./, message: () => 'api.Relation and api.Column are not supported: use ref(), source() or adapter.get_relation()' },
  { needles: ['builtins'], pattern: /(?<![\w.])builtins\s*\./, message: () => "'builtins' is not supported" },
  { needles: ['load_relation'], pattern: /(?<![\w.])load_relation\s*\(/, message: () => 'load_relation() is not supported: use adapter.get_relation()' },
  { needles: ['should_full_refresh'], pattern: /(?<![\w.])should_full_refresh\s*\(/, message: () => 'should_full_refresh() is not supported: use is_incremental()' },
  { needles: ['set_sql_header'], pattern: /(?<![\w.])set_sql_header\b/, message: () => 'set_sql_header is not supported' },
  { needles: ['incorporate'], pattern: /\.incorporate\s*\(/, message: () => 'relation.incorporate() is not supported' },
  { needles: ['ref'], pattern: /(?<![\w.])ref\s*\([^)]*\b(v|version)\s*=/, message: () => 'model versions (ref(..., v=...)) are not supported' },
  {
    needles: ['adapter', 'exceptions', 'modules', 'dbt_utils'],
    pattern: /(?<![\w.])(adapter|exceptions|modules|dbt_utils)\s*\.\s*([A-Za-z_]\w*)/g,
    message: (m) => {
      const [, namespace, member] = m;
      if (MEMBERS[namespace!]!.has(member!)) return undefined;
      const hint = namespace === 'dbt_utils' ? ' (packages cannot be installed; the built-in dbt_utils has ' : ' (supported: ';
      return `${namespace}.${member} is not supported${hint}${[...MEMBERS[namespace!]!].join(', ')})`;
    },
  },
  {
    needles: ['datetime'],
    pattern: /(?<![\w.])modules\s*\.\s*datetime\s*\.\s*([A-Za-z_]\w*)/g,
    message: (m) => (DATETIME_MEMBERS.has(m[1]!) ? undefined : `modules.datetime.${m[1]} is not supported (supported: ${[...DATETIME_MEMBERS].join(', ')})`),
  },
  {
    needles: ['dbt'],
    pattern: /(?<![\w.])dbt\s*\.\s*([A-Za-z_]\w*)\s*\(/g,
    message: (m) => (CROSS_DB.has(m[1]!) ? undefined : `dbt.${m[1]}() is not supported (dbt's cross-database macros ${[...CROSS_DB].join(', ')} are)`),
  },
  {
    needles: ['target'],
    pattern: /(?<![\w.])target\s*\.\s*([A-Za-z_]\w*)/g,
    message: (m) => (TARGET_FIELDS.has(m[1]!) ? undefined : `target.${m[1]} is not available (target has ${[...TARGET_FIELDS].join(', ')})`),
  },
];

/** Each rule's pattern as a global expression, and whether it applies to statements (`{% %}`) only. */
const COMPILED = RULES.map((rule) => ({
  rule,
  needles: rule.needles,
  global: new RegExp(rule.pattern.source, rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`),
  statementOnly: rule.pattern.source.startsWith('^'),
}));

const TAG = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
const COMMENT = /\{#[\s\S]*?#\}/g;
const RAW = /\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/g;

/**
 * Finds the Jinja constructs of a dbt template that Strata cannot run, before anything is
 * rendered: each is reported once per line, naming the file, the line and the construct.
 */
export function scanUnsupported(text: string, file: string): StrataError[] {
  if (!text.includes('{')) return [];
  const visible = text.replace(COMMENT, keepNewlines).replace(RAW, keepNewlines);
  const found = new Map<string, StrataError>();
  for (const tag of visible.matchAll(TAG)) {
    const body = tag[1] ?? tag[2] ?? '';
    const bodyStart = tag.index + 2;
    for (const { rule, needles, global, statementOnly } of COMPILED) {
      if (statementOnly && tag[2] === undefined) continue;
      if (!needles.some((needle) => body.includes(needle))) continue;
      for (const match of body.matchAll(global)) {
        const message = rule.message(match as RegExpExecArray);
        if (!message) continue;
        const line = lineAt(visible, bodyStart + match.index);
        const key = `${line}\u0000${message}`;
        if (!found.has(key)) found.set(key, new StrataError('dbt_unsupported', message, { file, line }));
      }
    }
  }
  return [...found.values()];
}

function keepNewlines(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}
