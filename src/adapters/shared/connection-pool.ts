/** A fixed-size pool of lazily created connections; `use` waits for a free one. */
export class ConnectionPool<C> {
  private readonly idle: C[] = [];
  private readonly waiting: ((connection: C) => void)[] = [];
  private created = 0;

  constructor(
    private readonly size: number,
    private readonly create: () => Promise<C>,
  ) {}

  async use<T>(work: (connection: C) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    try {
      return await work(connection);
    } finally {
      this.release(connection);
    }
  }

  /** Closes every idle connection; call once no work is in flight. */
  closeAll(close: (connection: C) => void | Promise<void>): Promise<unknown> {
    const all = this.idle.splice(0);
    return Promise.all(all.map(async (c) => close(c)));
  }

  private async acquire(): Promise<C> {
    const free = this.idle.pop();
    if (free) return free;
    if (this.created < this.size) {
      this.created += 1;
      try {
        return await this.create();
      } catch (error) {
        this.created -= 1;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(connection: C): void {
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }
}
