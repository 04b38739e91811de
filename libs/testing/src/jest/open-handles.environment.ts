import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest's node environment plus an open-handle check: when a test file has finished, everything it
 * opened (sockets, servers, child processes, worker threads, ref'd timers) must be closed. What is
 * still open after a short grace period fails the file, named by type, instead of keeping Jest
 * alive after its summary (a kafkajs client reconnecting forever to a stopped broker, say).
 *
 * The check compares against what the process held when the file started, so Jest's own handles
 * and a handle an earlier file leaked (already reported there) are not counted twice. The configs
 * also set `forceExit`, so a run whose check failed still ends.
 */
const GRACE_MS = Number(process.env.FUNNEL_OPEN_HANDLE_GRACE_MS ?? 3000);
/** Resources that are not a test's to close: the terminal, requests that finish by themselves, and
 *  timers (Jest has its own; the file's timers are tracked one by one instead, see trackTimers). */
const IGNORED = new Set(['TTYWrap', 'FSReqCallback', 'FSReqPromise', 'GetAddrInfoReqWrap', 'Immediate', 'StatWatcher', 'SignalWrap', 'Timeout']);

type Counts = Map<string, number>;

function activeResources(): Counts {
  const counts: Counts = new Map();
  for (const type of process.getActiveResourcesInfo()) {
    if (!IGNORED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function leaked(before: Counts, now: Counts): string[] {
  const extra: string[] = [];
  for (const [type, n] of now) {
    const more = n - (before.get(type) ?? 0);
    if (more > 0) extra.push(`${more} × ${type}`);
  }
  return extra;
}

function activeHandles(): unknown[] {
  return (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
}

/** A socket, server, child process or worker described well enough to find its owner (timers have no such detail). */
function describeHandle(handle: unknown): string | null {
  if (!handle || typeof handle !== 'object') return null;
  const o = handle as Record<string, unknown>;
  switch ((handle as object).constructor?.name) {
    case 'Socket':
      return typeof o.remotePort === 'number' ? `socket to ${String(o.remoteAddress)}:${o.remotePort}` : 'socket (not connected)';
    case 'Server': {
      const address = typeof o.address === 'function' ? (o.address as () => unknown).call(handle) : null;
      return `server listening on ${JSON.stringify(address)}`;
    }
    case 'ChildProcess':
      return `child process ${String(o.pid)}: ${((o.spawnargs as string[] | undefined) ?? []).join(' ').slice(0, 200)}`;
    case 'Worker':
      return `worker thread ${String(o.threadId)}`;
    default:
      return null;
  }
}

type TimerFn = (...args: never[]) => NodeJS.Timeout;

/**
 * Wraps the file's setTimeout and setInterval (the ones every module loaded by the file sees, a
 * kafkajs retry timer included) so that the timers it leaves pending and ref'd can be found.
 */
function trackTimers(global: Record<string, unknown>): Map<NodeJS.Timeout, string> {
  const timers = new Map<NodeJS.Timeout, string>();
  for (const name of ['setTimeout', 'setInterval']) {
    const real = global[name] as TimerFn;
    const tracked = (...args: never[]) => {
      const timer = real(...args);
      // Where it was set, for the report (a few microseconds each).
      timers.set(timer, `${name} ${(new Error().stack ?? '').split('\n').slice(2, 6).map((l) => l.trim()).join(' < ')}`);
      if (timers.size > 10000) for (const t of timers.keys()) if (!isPending(t)) timers.delete(t);
      return timer;
    };
    global[name] = Object.assign(tracked, real); // keeps util.promisify.custom
  }
  return timers;
}

/** Pending and keeping the process alive (cleared, fired one-shot and unref'd timers are not). */
function isPending(timer: NodeJS.Timeout): boolean {
  return timer.hasRef() && !(timer as unknown as { _destroyed?: boolean })._destroyed;
}

export default class OpenHandlesEnvironment extends TestEnvironment {
  private before: Counts = new Map();
  private handlesBefore = new Set<unknown>();
  private timers = new Map<NodeJS.Timeout, string>();

  override async setup(): Promise<void> {
    await super.setup();
    // Node opens the handles of stdout and stderr on first use (a pipe in a Jest worker): open
    // them now, or the first file that logs directly would seem to have left one open.
    void process.stdout.writableLength;
    void process.stderr.writableLength;
    this.before = activeResources();
    this.handlesBefore = new Set(activeHandles());
    this.timers = trackTimers(this.global as unknown as Record<string, unknown>);
  }

  private leaks(): string[] {
    const extra = leaked(this.before, activeResources());
    const timers = [...this.timers.keys()].filter(isPending).length;
    if (timers > 0) extra.push(`${timers} × Timeout (a pending timer or interval)`);
    return extra;
  }

  override async teardown(): Promise<void> {
    const deadline = Date.now() + GRACE_MS;
    let extra = this.leaks();
    while (extra.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      extra = this.leaks();
    }
    await super.teardown();
    if (extra.length === 0) return;
    const details = activeHandles()
      .filter((h) => !this.handlesBefore.has(h))
      .map(describeHandle)
      .filter((d): d is string => d !== null);
    for (const [timer, where] of this.timers) if (isPending(timer) && details.length < 10) details.push(where);
    throw new Error(
      `open handles left after the test file finished (${GRACE_MS} ms grace): ${extra.join(', ')}` +
        details.map((d) => `\n  ${d}`).join('') +
        '\nClose every client, server, app, timer and child process the file opened (afterAll); `--detectOpenHandles` shows where they were created.',
    );
  }
}
