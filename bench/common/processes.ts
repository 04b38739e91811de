import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** The repository root, from a compiled bench script in dist/bench/<name>/. */
export const ROOT = resolve(__dirname, '..', '..', '..');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A child process started by a bench (node with `args`), with the tail of its output (both streams) kept for error messages. */
export class BenchChild {
  readonly process: ChildProcess;
  private tail = '';
  private stopping = false;
  private readonly exit: Promise<void>;

  constructor(
    readonly name: string,
    args: readonly string[],
    env: Record<string, string>,
  ) {
    this.process = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => (this.tail = (this.tail + d.toString()).slice(-4000));
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.exit = new Promise<void>((r) => this.process.once('exit', () => r()));
    this.process.once('exit', (code) => {
      if (code && !this.stopping) console.error(`${name} exited with ${code}:\n${this.tail}`);
    });
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  outputTail(): string {
    return this.tail;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 15000): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.process.kill('SIGTERM');
    const killer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(killer);
  }
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** True when something accepts connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(true));
    server.listen(port, '127.0.0.1', () => server.close(() => done(false)));
  });
}

/** Polls `check` every 200 ms until it is true; fails after `timeoutMs`, or at once if `child` exits. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60000, child?: BenchChild): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && !child.running) {
      throw new Error(`${child.name} exited while waiting for ${what}:\n${child.outputTail()}`);
    }
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** GET url answers `status` (no redirect followed). */
export async function answers(url: string, status = 200): Promise<boolean> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === status;
}
