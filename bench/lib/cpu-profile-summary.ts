/**
 * Prints the hot spots of a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most
 * self time, and the functions with the most inclusive time (self plus callees, counted once per
 * stack even under recursion).
 *
 *   node --import tsx bench/lib/cpu-profile-summary.ts FILE.cpuprofile [TOP]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Self and inclusive milliseconds per function (keyed `name file:line`), plus the profile's total. */
export function summarizeCpuProfile(profile: CpuProfile): { totalMs: number; self: Map<string, number>; inclusive: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const sampleMs = new Map<number, number>();
  profile.samples.forEach((id, i) => sampleMs.set(id, (sampleMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, ms] of sampleMs) {
    const leaf = byId.get(id);
    if (!leaf) continue;
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const key = label(byId.get(current)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  }
  return { totalMs: (profile.endTime - profile.startTime) / 1000, self, inclusive };
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? shorten(url) : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

function shorten(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  return file.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, file) : file;
}

function top(map: Map<string, number>, count: number): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith('cpu-profile-summary.ts')) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: cpu-profile-summary.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  const count = Number(process.argv[3] ?? 25);
  const { totalMs, self, inclusive } = summarizeCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const pct = (ms: number): string => `${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%`;
  console.log(`profile: ${totalMs.toFixed(0)} ms\n\nself time:`);
  for (const [key, ms] of top(self, count)) console.log(`${pct(ms)}  ${key}`);
  console.log('\ninclusive time:');
  for (const [key, ms] of top(inclusive, count)) console.log(`${pct(ms)}  ${key}`);
}
