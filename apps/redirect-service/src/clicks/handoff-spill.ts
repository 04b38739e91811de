import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKED_FIELDS } from './captured-click';

/**
 * Where the request thread puts captured clicks it cannot hold while no click worker is attached
 * (ClickHandoff's bound): one JSON line per packed batch, appended and fsync'd synchronously. It
 * happens only while the worker is down, and keeps the request thread's memory bounded. The next
 * worker takes the file before it reports ready, so these clicks go out before any captured later.
 */
export function handoffSpillPath(dir: string): string {
  return join(dir, 'handoff.spill');
}

export function appendSpill(path: string, packed: readonly unknown[]): void {
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, `${JSON.stringify(packed)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Fields of a packed click that may be undefined, which JSON writes as null (variantId's null is real). */
const UNDEFINED_WHEN_NULL = new Set([8, 9, 10, 11, 12]);

/**
 * Takes every spilled batch (the file is renamed first, so clicks spilled meanwhile stay for the
 * next take) and removes the file once read. Unreadable lines are counted and skipped.
 */
export async function takeSpill(path: string): Promise<{ batches: unknown[][]; corrupt: number }> {
  const taken = `${path}.taking`;
  // A take interrupted by a crash left its file: read it first.
  let text = await readFile(taken, 'utf8').catch(() => '');
  if (text !== '' && !text.endsWith('\n')) text += '\n';
  if (await rename(path, taken).then(() => true, () => false)) text += await readFile(taken, 'utf8');
  const batches: unknown[][] = [];
  let corrupt = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const packed: unknown = JSON.parse(line);
      if (!Array.isArray(packed) || packed.length % PACKED_FIELDS !== 0) throw new Error('not a packed batch');
      batches.push(packed.map((v, i) => (v === null && UNDEFINED_WHEN_NULL.has(i % PACKED_FIELDS) ? undefined : v)));
    } catch {
      corrupt++;
    }
  }
  await unlink(taken).catch(() => undefined);
  return { batches, corrupt };
}
