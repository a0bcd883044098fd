/**
 * A Map holding at most `capacity` entries: reading or writing an entry makes it the most
 * recently used, and adding past the capacity drops the least recently used. Bounds the memos of
 * a long-lived server, whose clients may send endless distinct texts.
 */
export class LruMap<K, V> {
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`an LruMap holds at least one entry, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }
}
