/** Work collected from file events until the next run: project files changed, landing sources with new files. */
export interface PendingWork {
  readonly projectFiles: readonly string[];
  readonly landing: ReadonlyMap<string, readonly string[]>;
}

/**
 * Debounces file events and runs one cycle at a time: events during a cycle are gathered and
 * start one more cycle (after the debounce) when it ends, so a burst of saves costs one rebuild.
 * A cycle that throws does not stop the queue. `stop()` waits for the cycle in progress.
 */
export class ChangeQueue {
  private projectFiles = new Set<string>();
  private landing = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly debounceMs: number,
    private readonly cycle: (work: PendingWork) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A project file (model, macro, YAML, seed, …) changed. */
  project(file: string): void {
    this.projectFiles.add(file);
    this.schedule();
  }

  /** A landing file of these sources was written (in full). */
  landed(file: string, sources: readonly string[]): void {
    for (const source of sources) {
      const files = this.landing.get(source) ?? new Set<string>();
      files.add(file);
      this.landing.set(source, files);
    }
    this.schedule();
  }

  /** Puts work back (e.g. the database was busy), to run after `delayMs`. */
  retry(work: PendingWork, delayMs: number): void {
    for (const file of work.projectFiles) this.projectFiles.add(file);
    for (const [source, files] of work.landing) {
      const set = this.landing.get(source) ?? new Set<string>();
      for (const f of files) set.add(f);
      this.landing.set(source, set);
    }
    this.schedule(delayMs);
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** No more cycles; resolves once the one in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs = this.debounceMs): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, delayMs);
  }

  private start(): void {
    if (this.stopped || this.running) return; // the cycle in progress reschedules when it ends
    if (this.projectFiles.size === 0 && this.landing.size === 0) return;
    const work: PendingWork = { projectFiles: [...this.projectFiles], landing: new Map([...this.landing].map(([s, f]) => [s, [...f]])) };
    this.projectFiles = new Set();
    this.landing = new Map();
    this.running = this.cycle(work)
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = undefined;
        if (this.projectFiles.size || this.landing.size) this.schedule();
      });
  }
}
