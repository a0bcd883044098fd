/**
 * One spelling per query for cache keys: comments removed, whitespace runs collapsed to one
 * space, everything outside quotes lower-cased (keywords and unquoted identifiers are
 * case-insensitive), trailing semicolons dropped. Text inside '…', "…" and $tag$…$tag$ is kept
 * exactly, so `'A'` and `'a'` stay different queries.
 */
export function normalizeSql(sql: string): string {
  let out = '';
  let pendingSpace = false;
  const emit = (text: string): void => {
    if (pendingSpace && out.length > 0) out += ' ';
    pendingSpace = false;
    out += text;
  };
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      pendingSpace = true;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      pendingSpace = true;
      continue;
    }
    if (/\s/.test(ch)) {
      pendingSpace = true;
      i += 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j += 1;
      }
      emit(sql.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end < 0 ? sql.length : end + tag[0].length;
        emit(sql.slice(i, stop));
        i = stop;
        continue;
      }
    }
    emit(ch.toLowerCase());
    i += 1;
  }
  return out.replace(/(\s*;)+$/, '').trim();
}
