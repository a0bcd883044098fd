/** 1-based line of the first match of `pattern` in `text`, or undefined. */
export function findLine(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  let line = 1;
  for (let i = 0; i < match.index; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
