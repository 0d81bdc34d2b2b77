/** Events per second over a sliding window, for status pages and time-left estimates. */
export class RateMeter {
  private readonly samples: { at: number; count: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  record(count: number, at = Date.now()): void {
    this.samples.push({ at, count });
    while (this.samples.length > 0 && (this.samples[0]?.at ?? at) < at - this.windowMs) this.samples.shift();
  }

  perSecond(now = Date.now()): number {
    const recent = this.samples.filter((s) => s.at >= now - this.windowMs);
    const first = recent[0];
    if (!first) return 0;
    const total = recent.reduce((sum, s) => sum + s.count, 0);
    const span = Math.max(now - first.at, 1000);
    return Math.round((total * 1000) / span);
  }
}
