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
}

/**
 * The request thread's side of the click path: captured clicks are packed into a flat array and
 * posted to the click worker in batches (every `intervalMs`, or at once when `maxClicks` are
 * waiting), so the request thread's cost per click is a few array pushes and a share of one
 * structured clone. While no worker is attached (between a worker's crash and its replacement)
 * clicks wait here and go to the next one.
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

  capture(click: CapturedClick): void {
    packClick(this.packed, click);
    if (this.packed.length >= this.options.maxClicks * PACKED_FIELDS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.options.intervalMs);
      this.timer.unref();
    }
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
