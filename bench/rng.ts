/** A small seeded PRNG (sfc32): the synthetic log is the same for the same seed, on every machine. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Up to `n` distinct items, in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) {
      const i = this.int(copy.length);
      out.push(copy[i] as T);
      copy[i] = copy[copy.length - 1] as T;
      copy.pop();
    }
    return out;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A UUID in the v4 layout (random), as the server gives correlation ids. */
  uuidV4(): string {
    const hex = (n: number): string => n.toString(16).padStart(8, '0');
    const a = hex(this.nextUint32());
    const b = hex(this.nextUint32());
    const c = hex(this.nextUint32());
    const d = hex(this.nextUint32());
    const variant = (8 + (this.nextUint32() & 3)).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
  }

  /** A UUID in the v7 layout (time-ordered) with the given millisecond timestamp and seeded bits. */
  uuidV7(unixMs: number): string {
    const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
    const ms = Math.max(0, Math.floor(unixMs));
    const high = Math.floor(ms / 0x10000);
    const low = ms % 0x10000;
    const r1 = this.nextUint32();
    const r2 = this.nextUint32();
    const r3 = this.nextUint32();
    const timeHex = hex(high, 8) + hex(low, 4);
    const version = `7${hex(r1 & 0xfff, 3)}`;
    const variant = hex(0x8000 | ((r1 >>> 12) & 0x3fff), 4);
    const tail = hex(r2, 8) + hex(r3 & 0xffff, 4);
    return `${timeHex.slice(0, 8)}-${timeHex.slice(8, 12)}-${version}-${variant}-${tail}`;
  }
}

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s: a few items take most of
 * the draws, as a few actors appear in most of a conflict's reports.
 */
export class Zipf {
  private readonly cumulative: Float64Array;

  constructor(
    readonly n: number,
    s = 1,
  ) {
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += 1 / Math.pow(i + 1, s);
      this.cumulative[i] = total;
    }
    for (let i = 0; i < n; i++) this.cumulative[i] = (this.cumulative[i] ?? 0) / total;
  }

  draw(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? 1) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
