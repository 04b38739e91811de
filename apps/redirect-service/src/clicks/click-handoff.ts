import { CapturedClick, ClickCapture, packClick, PACKED_FIELDS } from './captured-click';
import type { ToClickWorker } from './click-worker-protocol';

export interface HandoffPort {
  postMessage(message: ToClickWorker): void;
}

export interface ClickHandoffOptions {
  /** A batch this large is posted at once. */
  maxClicks: number;
  /** Longest a click waits on the request thread before its batch is posted. */
  intervalMs: number;
  /**
   * Most clicks held while no worker is attached; past it they are handed to `spill` (durable,
   * synchronous) and the memory is released.
   */
  maxDetached: number;
  spill: (packed: unknown[]) => void;
}

/**
 * The request thread's side of the click path: captured clicks are packed into a flat array and
 * posted to the click worker in batches (every `intervalMs`, or at once when `maxClicks` are
 * waiting), so the request thread's cost per click is a few array pushes and a share of one
 * structured clone. While no worker is attached (between a worker's crash and its replacement)
 * clicks wait here and go to the next one, at most `maxDetached` of them: past that they are
 * spilled to disk (see handoff-spill.ts), which the next worker takes first.
 */
export class ClickHandoff implements ClickCapture {
  private packed: unknown[] = [];
  private timer: NodeJS.Timeout | undefined;
  private port: HandoffPort | null = null;

  constructor(private readonly options: ClickHandoffOptions) {}

  /** Clicks captured but not yet posted to the worker. */
  get pending(): number {
    return this.packed.length / PACKED_FIELDS;
  }

  attach(port: HandoffPort | null): void {
    this.port = port;
    if (port && this.packed.length > 0) this.flush();
  }

  /** Clicks handed to `spill` since start. */
  spilled = 0;

  capture(click: CapturedClick): void {
    packClick(this.packed, click);
    if (!this.port && this.packed.length >= this.options.maxDetached * PACKED_FIELDS) this.spillPending();
    else if (this.packed.length >= this.options.maxClicks * PACKED_FIELDS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.options.intervalMs);
      this.timer.unref();
    }
  }

  private spillPending(): void {
    const packed = this.packed;
    this.options.spill(packed);
    this.spilled += packed.length / PACKED_FIELDS;
    this.packed = [];
  }

  /** Posts what is waiting, if a worker is attached. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.port || this.packed.length === 0) return;
    const packed = this.packed;
    this.packed = [];
    this.port.postMessage({ kind: 'clicks', packed });
  }
}
