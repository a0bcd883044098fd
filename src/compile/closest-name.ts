import { closest, distance } from 'fastest-levenshtein';

/** The candidate most like `name`, when it is plausibly a typo of it. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(name, [...candidates]);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** `; did you mean 'x'?` or nothing. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const best = closestName(name, candidates);
  return best ? `; did you mean '${best}'?` : '';
}
