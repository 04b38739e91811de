import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClickMessage, ClickTransport } from './click-sink';
import { clickRecords } from './kafka-click.publisher';
import type { ProducerReply, ProducerRequest, ProducerWorkerData } from './worker-protocol';

export const PRODUCER_WORKER_FILE = 'click-producer.worker.js';

/**
 * The compiled worker: next to this file in a build, else in the build (dist/) of the working
 * directory when this runs from sources, as the integration tests do after `npm run build`.
 */
export function producerWorkerFile(): string {
  const candidates = [join(__dirname, PRODUCER_WORKER_FILE), resolve(process.cwd(), 'dist', 'apps', 'redirect-service', 'src', 'clicks', PRODUCER_WORKER_FILE)];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`no ${PRODUCER_WORKER_FILE} in ${candidates.join(' or ')}: build first (npm run build), or set CLICK_PRODUCER=inline`);
  return found;
}

type Request = ProducerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Produces clicks from a worker thread (CLICK_PRODUCER=worker, the default). The redirect thread
 * only turns a batch into records (clickRecords: one JSON string per campaign) and posts them;
 * the producer's encoding, checksums, socket I/O and their garbage stay on the other thread, off
 * the path whose latency is the product. A publish resolves when the worker says Kafka
 * acknowledged the batch and rejects when it failed, or when the thread died (it is started
 * again on the next request), so the spooling publisher above keeps every guarantee it has inline.
 */
export class WorkerClickPublisher implements ClickTransport {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  constructor(
    private readonly data: ProducerWorkerData,
    private readonly file: string = producerWorkerFile(),
  ) {}

  connect(): Promise<void> {
    return this.request({ kind: 'connect' });
  }

  publish(batch: readonly ClickMessage[]): Promise<void> {
    return this.request({ kind: 'send', records: clickRecords(batch) });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((done) => worker.once('exit', () => done()));
    await this.request({ kind: 'close' }).catch(() => undefined);
    // It exits by itself once closed; a thread stuck in a send is stopped.
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  private request(body: Request): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id } as ProducerRequest);
    });
  }

  private start(): Worker {
    const worker = new Worker(this.file, { workerData: this.data });
    worker.on('message', (reply: ProducerReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.kind === 'done') waiting.resolve();
      else waiting.reject(new Error(reply.error));
    });
    worker.on('error', (e) => this.lost(worker, e));
    worker.on('exit', (code) => this.lost(worker, new Error(`the click producer thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** The thread is gone: whatever it had not answered failed (the caller spools or retries it). */
  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
