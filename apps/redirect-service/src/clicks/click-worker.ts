/**
 * Entry point of the click worker thread (started by ClickPipeline; not imported anywhere). It
 * runs the ClickBackend: every captured click's context, bot verdict, envelope, batching, Kafka
 * produce and spool, off the request thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKafka } from '@funnel/kafka';
import { jsonLogger } from '@funnel/observability';
import { ClickBackend } from './click-backend';
import type { ClickWorkerData, FromClickWorker, ToClickWorker } from './click-worker-protocol';

const { env, service, clicksTopic } = workerData as ClickWorkerData;
const port = parentPort;
if (!port) throw new Error('click-worker runs as a worker thread');
const logger = jsonLogger(`${service}:clicks`);
const backend = new ClickBackend(createKafka(env, service), env, logger, undefined, clicksTopic);
const reply = (message: FromClickWorker) => port.postMessage(message);

// Messages are handled in arrival order; only a drain awaits, and it is the last one (the request
// thread then terminates this worker).
port.on('message', (message: ToClickWorker) => {
  backend.handle(message, reply).catch((e: Error) => logger.error(`click worker: ${message.kind} failed: ${e.stack ?? e.message}`));
});

backend.start().then(
  () => reply({ kind: 'ready' }),
  (e: Error) => reply({ kind: 'failed', error: e.message }),
);
