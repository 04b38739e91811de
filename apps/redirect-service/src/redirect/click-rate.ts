export interface ClickRateOptions {
  /** More clicks than this from one address within the window are abnormal. */
  maxClicks: number;
  windowMs: number;
  /** Addresses tracked at most; beyond that the least recently active are forgotten. */
  maxAddresses: number;
}

interface Counter {
  /** Start of the current fixed window. */
  start: number;
  current: number;
  previous: number;
}

/**
 * Clicks per address over a sliding window, approximated from two fixed windows (the previous
 * window's count weighted by how much of it still overlaps): O(1) time and three numbers per
 * address. Memory is bounded by `maxAddresses`: an address is moved to the back of the map when
 * its window rolls, and the front (least recently active) is evicted when the map is full.
 */
export class ClickRateWindow {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly options: ClickRateOptions) {}

  get trackedAddresses(): number {
    return this.counters.size;
  }

  /** Counts a click from `address` and says whether its rate is now abnormal. */
  hit(address: string, now: number): boolean {
    const { windowMs, maxClicks, maxAddresses } = this.options;
    let counter = this.counters.get(address);
    if (!counter) {
      if (this.counters.size >= maxAddresses) this.counters.delete(this.counters.keys().next().value as string);
      counter = { start: now - (now % windowMs), current: 0, previous: 0 };
      this.counters.set(address, counter);
    } else if (now - counter.start >= windowMs) {
      const windows = Math.floor((now - counter.start) / windowMs);
      counter.previous = windows === 1 ? counter.current : 0;
      counter.current = 0;
      counter.start += windows * windowMs;
      this.counters.delete(address);
      this.counters.set(address, counter);
    }
    counter.current++;
    const overlap = 1 - (now - counter.start) / windowMs;
    return counter.current + counter.previous * overlap > maxClicks;
  }
}
