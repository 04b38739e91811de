import { mkdir, open, readFile, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickMessage } from './click-sink';

/** A chunk of spooled clicks read for replay, and where the next chunk starts. */
export interface SpoolChunk {
  clicks: ClickMessage[];
  /** Byte offset just past the last line of this chunk. */
  end: number;
  /** Lines that could not be parsed (skipped and counted, never replayed). */
  corrupt: number;
}

const READ_BYTES = 1 << 20;

/**
 * An append-only file of clicks Kafka could not take, one JSON line `[key, envelope]` each, in
 * arrival order. `append` returns once the lines are fsync'd. Replay reads from a committed
 * offset (kept in a side file, fsync'd after each acknowledged chunk) and the file is truncated
 * once everything in it has been replayed. Operations are serialised: one process, one spool.
 */
export class ClickSpool {
  private file: FileHandle | undefined;
  private size = 0;
  private committed = 0;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  private get offsetPath(): string {
    return join(this.dir, 'clicks.offset');
  }

  /** Bytes appended but not yet replayed. */
  get backlogBytes(): number {
    return this.size - this.committed;
  }

  get isEmpty(): boolean {
    return this.size === this.committed;
  }

  /**
   * Opens (creating) the spool. A line cut short by a crash mid-append is dropped: its click's
   * 302 was answered but the write never completed, and appending after it would corrupt the next line.
   */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.file = await open(join(this.dir, 'clicks.spool'), 'a+');
    const { size } = await this.file.stat();
    this.size = await this.endOfLastLine(size);
    if (this.size !== size) {
      await this.file.truncate(this.size);
      await this.file.sync();
    }
    const offset = Number((await readFile(this.offsetPath, 'utf8').catch(() => '0')).trim());
    this.committed = Number.isSafeInteger(offset) && offset >= 0 && offset <= this.size ? offset : 0;
    if (this.isEmpty && this.size > 0) await this.reset();
  }

  /** Offset just past the last newline, searching backwards from the end (the spool can be large). */
  private async endOfLastLine(size: number): Promise<number> {
    const step = 64 * 1024;
    const buffer = Buffer.alloc(step);
    for (let end = size; end > 0; end -= step) {
      const start = Math.max(0, end - step);
      const { bytesRead } = await this.handle().read(buffer, 0, end - start, start);
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline !== -1) return start + newline + 1;
    }
    return 0;
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      await this.file?.close();
      this.file = undefined;
    });
  }

  /** Appends clicks in order and fsyncs them before resolving. */
  append(clicks: readonly ClickMessage[]): Promise<void> {
    return this.serial(async () => {
      const data = Buffer.from(clicks.map((c) => `${JSON.stringify([c.key, c.envelope])}\n`).join(''));
      await this.handle().write(data, 0, data.length, this.size);
      await this.handle().sync();
      this.size += data.length;
    });
  }

  /** The next unreplayed clicks, at most `max`, oldest first. */
  read(max: number): Promise<SpoolChunk> {
    return this.serial(async () => {
      const start = this.committed;
      const length = Math.min(READ_BYTES, this.size - start);
      const buffer = Buffer.alloc(length);
      if (length > 0) await this.handle().read(buffer, 0, length, start);
      const clicks: ClickMessage[] = [];
      let corrupt = 0;
      let position = 0;
      while (clicks.length < max) {
        const newline = buffer.indexOf(0x0a, position);
        if (newline === -1) break;
        const line = buffer.subarray(position, newline).toString();
        position = newline + 1;
        const click = parseLine(line);
        if (click) clicks.push(click);
        else corrupt++;
      }
      // A single line longer than READ_BYTES cannot be a click (they are a few KB at most): skip it.
      if (position === 0 && length === READ_BYTES) return { clicks, end: start + length, corrupt: corrupt + 1 };
      return { clicks, end: start + position, corrupt };
    });
  }

  /** Marks everything before `end` as replayed; truncates the file once nothing is left. */
  commit(end: number): Promise<void> {
    return this.serial(async () => {
      this.committed = Math.max(this.committed, Math.min(end, this.size));
      if (this.isEmpty) await this.reset();
      else await this.writeOffset(this.committed);
    });
  }

  private async reset(): Promise<void> {
    await this.handle().truncate(0);
    await this.handle().sync();
    this.size = 0;
    this.committed = 0;
    await this.writeOffset(0);
  }

  /** Written to a side file, fsync'd, then renamed over the offset file: a crash leaves the old or the new offset, never a torn one. */
  private async writeOffset(offset: number): Promise<void> {
    const next = `${this.offsetPath}.next`;
    const file = await open(next, 'w');
    try {
      await file.writeFile(String(offset));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(next, this.offsetPath);
  }

  private handle(): FileHandle {
    if (!this.file) throw new Error('click spool is not open');
    return this.file;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

function parseLine(line: string): ClickMessage | null {
  try {
    const parsed: unknown = JSON.parse(line);
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'object' || parsed[1] === null) return null;
    return { key: parsed[0], envelope: parsed[1] as ClickMessage['envelope'] };
  } catch {
    return null;
  }
}
