/**
 * Read-your-writes: callers wait (bounded) until the read models have applied a log position. The
 * runner calls `reached` after every batch it commits; every waiter at or below it is released.
 */
export class PositionWaiters {
  private readonly waiters = new Set<{ position: bigint; resolve: (reached: boolean) => void }>();

  /** Resolves true once `reached(p)` is called with p >= position, false after `timeoutMs`. */
  wait(position: bigint, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        waiter.resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Releases every waiter whose position is at or below `position`. */
  reached(position: bigint): void {
    for (const waiter of [...this.waiters]) if (waiter.position <= position) waiter.resolve(true);
  }

  /** Releases every waiter as not reached (the runner stops). */
  cancelAll(): void {
    for (const waiter of [...this.waiters]) waiter.resolve(false);
  }

  get size(): number {
    return this.waiters.size;
  }
}
