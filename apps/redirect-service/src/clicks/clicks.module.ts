import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type { RedirectEnv } from '@funnel/config';
import { TOPICS } from '@funnel/contracts';
import { CLICKS_TOPIC, REDIRECT_ENV, SERVICE } from '../platform/tokens';
import { CLICK_CAPTURE, PACKED_FIELDS } from './captured-click';
import { spoolDir } from './click-backend';
import { ClickHandoff } from './click-handoff';
import { appendSpill, handoffSpillPath } from './handoff-spill';
import type { ClickStatus, ClickWorkerData, FromClickWorker } from './click-worker-protocol';

/**
 * Clicks per posted batch, the longest a click waits on the request thread, and how many it holds
 * while no worker is attached before spilling them to disk (~13 values, a few hundred bytes each).
 */
const HANDOFF = { maxClicks: 256, intervalMs: 5, maxDetached: 20_000 };
/** Wait before a crashed click worker is replaced. */
const RESTART_DELAY_MS = 1000;

const EMPTY_STATUS: ClickStatus = { failure: null, kafkaFailure: null, pending: 0, delivered: 0, spooled: 0, replayed: 0, backlogBytes: 0, spoolEmpty: true };

/**
 * The click worker's script. Built, it sits next to this file. Under ts-jest (sources run as
 * TypeScript, which a worker thread cannot load) the built one is used, and refused when a source
 * of the click path is newer than its built file: `npm test` builds before the integration tier.
 */
export function clickWorkerScript(): string {
  if (!__filename.endsWith('.ts')) return join(__dirname, 'click-worker.js');
  const src = resolve(__dirname, '..');
  const dist = resolve(src, '..', '..', '..', 'dist', 'apps', 'redirect-service', 'src');
  const built = join(dist, 'clicks', 'click-worker.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build (the click worker runs built code)`);
  for (const dir of ['clicks', 'redirect']) {
    for (const file of readdirSync(join(src, dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      const out = join(dist, dir, file.replace(/\.ts$/, '.js'));
      if (!existsSync(out) || statSync(join(src, dir, file)).mtimeMs > statSync(out).mtimeMs) {
        throw new Error(`${out} is missing or older than its source: run npm run build (the click worker runs built code)`);
      }
    }
  }
  return built;
}

/**
 * The click path of this instance. The request thread only captures clicks (ClickHandoff, the
 * CLICK_CAPTURE provider); a worker thread turns them into events and delivers them (ClickBackend:
 * context and bot verdict, envelope, batches, Kafka, spool), so the event loop that answers
 * redirects never serializes, encodes or produces, and that work runs on another core.
 *
 * The worker reports its status every STATUS_INTERVAL_MS (health reads the latest), and on
 * request (`refreshStatus`). A worker that dies is logged and replaced after a second; clicks
 * captured meanwhile wait in the handoff. What the dead worker held in memory is lost, as it would
 * be in a crashed process; what it had spooled is replayed by its replacement. On shutdown the
 * handoff is flushed and the worker drains (Kafka, else the spool) before it is stopped.
 */
@Injectable()
export class ClickPipeline implements OnModuleInit, OnApplicationShutdown {
  static readonly STATUS_INTERVAL_MS = 250;
  private readonly logger = new Logger('ClickPipeline');
  readonly handoff: ClickHandoff;
  private worker: Worker | undefined;
  private latest: ClickStatus = EMPTY_STATUS;
  private workerFailure: string | null = null;
  private stopping = false;
  private statusTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (status: ClickStatus) => void>();
  private drained: ((result: { left: number; emptied: boolean; status: ClickStatus }) => void) | undefined;

  constructor(
    @Inject(REDIRECT_ENV) private readonly env: RedirectEnv,
    @Optional() @Inject(CLICKS_TOPIC) private readonly clicksTopic: string = TOPICS.clicks,
  ) {
    const dir = spoolDir(env);
    this.handoff = new ClickHandoff({
      ...HANDOFF,
      spill: (packed) => {
        mkdirSync(dir, { recursive: true });
        appendSpill(handoffSpillPath(dir), packed);
        this.logger.warn(`no click worker attached: spilled ${packed.length / PACKED_FIELDS} clicks to ${handoffSpillPath(dir)}`);
      },
    });
  }

  /** The click worker thread, while one runs. */
  get workerThread(): Worker | undefined {
    return this.worker;
  }

  /** The worker's last reported status. */
  get status(): ClickStatus {
    return this.latest;
  }

  /** Why accepted clicks are not being stored (neither produced nor spooled, or no worker); null when they are. */
  get failure(): string | null {
    return this.workerFailure ?? this.latest.failure;
  }

  /** Clicks in memory: waiting on the request thread plus waiting in the worker. */
  get pending(): number {
    return this.handoff.pending + this.latest.pending;
  }

  async onModuleInit(): Promise<void> {
    await this.startWorker();
    this.statusTimer = setInterval(() => void this.refreshStatus().catch(() => undefined), ClickPipeline.STATUS_INTERVAL_MS);
    this.statusTimer.unref();
  }

  /** Posts what the handoff holds, then asks the worker for its status (after those clicks). */
  refreshStatus(): Promise<ClickStatus> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(this.latest);
    this.handoff.flush();
    const id = this.nextId++;
    return new Promise((done) => {
      this.waiting.set(id, done);
      worker.postMessage({ kind: 'status', id });
    });
  }

  /**
   * Runs after the HTTP server has closed (Nest disposes the server between
   * beforeApplicationShutdown and onApplicationShutdown), so no click can arrive after the drain.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.statusTimer);
    const worker = this.worker;
    if (!worker) {
      if (this.handoff.pending > 0) this.logger.error(`shutting down with ${this.handoff.pending} clicks and no click worker to take them`);
      return;
    }
    this.handoff.flush();
    const timeoutMs = this.env.CLICK_DRAIN_TIMEOUT_MS;
    const result = await new Promise<{ left: number; emptied: boolean; status: ClickStatus } | null>((done) => {
      const timer = setTimeout(() => done(null), timeoutMs + 5000);
      this.drained = (r) => {
        clearTimeout(timer);
        done(r);
      };
      worker.postMessage({ kind: 'drain', timeoutMs });
    });
    if (result) this.latest = result.status;
    else this.logger.error(`the click worker did not finish draining within ${timeoutMs + 5000} ms`);
    this.worker = undefined;
    await worker.terminate();
  }

  private startWorker(): Promise<void> {
    const data: ClickWorkerData = { env: { ...this.env }, service: SERVICE, clicksTopic: this.clicksTopic };
    const worker = new Worker(clickWorkerScript(), { workerData: data });
    this.worker = worker;
    return new Promise((ready, fail) => {
      let started = false;
      worker.on('message', (message: FromClickWorker) => {
        switch (message.kind) {
          case 'ready':
            started = true;
            this.workerFailure = null;
            this.handoff.attach(worker);
            return ready();
          case 'failed':
            void worker.terminate();
            return fail(new Error(`click worker failed to start: ${message.error}`));
          case 'status': {
            this.latest = message.status;
            const done = message.id === null ? undefined : this.waiting.get(message.id);
            if (done && message.id !== null) {
              this.waiting.delete(message.id);
              done(message.status);
            }
            return;
          }
          case 'drained':
            return this.drained?.(message);
        }
      });
      worker.on('error', (e) => this.logger.error(`click worker error: ${e.stack ?? e.message}`));
      worker.on('exit', (code) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.handoff.attach(null);
        for (const done of this.waiting.values()) done(this.latest);
        this.waiting.clear();
        if (!started) return fail(new Error(`click worker exited with ${code} before it was ready`));
        if (this.stopping) return;
        this.workerFailure = `click worker exited with ${code}; restarting`;
        this.logger.error(`${this.workerFailure} (${this.handoff.pending} clicks wait for its replacement)`);
        this.restartLater();
      });
    });
  }

  /** Starts a replacement worker after RESTART_DELAY_MS, and again until one is ready. */
  private restartLater(): void {
    setTimeout(() => {
      if (this.stopping) return;
      this.startWorker().catch((e: Error) => {
        this.workerFailure = e.message;
        this.logger.error(`${e.message}; trying again`);
        this.restartLater();
      });
    }, RESTART_DELAY_MS).unref();
  }
}

@Module({
  providers: [ClickPipeline, { provide: CLICK_CAPTURE, inject: [ClickPipeline], useFactory: (p: ClickPipeline) => p.handoff }],
  exports: [ClickPipeline, CLICK_CAPTURE],
})
export class ClicksModule {}
