/** Row count and hash sum of one slice, as text. */
export interface SliceFingerprint {
  readonly n: string;
  readonly f: string;
}

/** What a point-in-time run finds: the instants wanted, and the slices built and as the history says they should be. */
export interface PointInTimeState {
  /** The table exists with the expected columns and no full refresh was asked for. */
  readonly reusable: boolean;
  readonly wanted: readonly string[];
  /** Fingerprints of the slices in the table, by instant. */
  readonly built: ReadonlyMap<string, SliceFingerprint>;
  /** Fingerprints of the wanted slices computed from the history, by instant (absent: empty slice). */
  readonly expected: ReadonlyMap<string, SliceFingerprint>;
}

/** Build everything, or write only some slices: new instants, slices a late load changed, and instants no longer wanted. */
export type PointInTimePlan =
  | { readonly kind: 'rebuild' }
  | { readonly kind: 'slices'; readonly add: readonly string[]; readonly replace: readonly string[]; readonly remove: readonly string[] };

/** Pure: decides from fingerprints alone which slices to write. */
export function planPointInTimeRun(state: PointInTimeState): PointInTimePlan {
  if (!state.reusable) return { kind: 'rebuild' };
  const same = (a: SliceFingerprint | undefined, b: SliceFingerprint | undefined): boolean => (a?.n ?? '0') === (b?.n ?? '0') && (a?.f ?? '0') === (b?.f ?? '0');
  const wanted = new Set(state.wanted);
  const add: string[] = [];
  const replace: string[] = [];
  for (const instant of state.wanted) {
    const built = state.built.get(instant);
    const expected = state.expected.get(instant);
    if (!built) {
      if (expected) add.push(instant);
    } else if (!same(built, expected)) replace.push(instant);
  }
  const remove = [...state.built.keys()].filter((i) => !wanted.has(i));
  return { kind: 'slices', add, replace, remove };
}
