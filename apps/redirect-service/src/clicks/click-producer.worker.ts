/**
 * The click producer's thread (see WorkerClickPublisher): a KafkaClickPublisher (idempotent,
 * acks=all) sending the records the main thread hands it, answering each request with its
 * outcome. It keeps no clicks of its own: the main thread holds every batch until its answer,
 * and spools it when the answer is a failure.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKafka, EventProducer } from '@funnel/kafka';
import { KafkaClickPublisher } from './kafka-click.publisher';
import type { ProducerReply, ProducerRequest, ProducerWorkerData } from './worker-protocol';

if (!parentPort) throw new Error('click-producer.worker must run as a worker thread');
const port = parentPort;
const { brokers, clientId, topic } = workerData as ProducerWorkerData;
const publisher = new KafkaClickPublisher(new EventProducer(createKafka(brokers, clientId)), topic);

port.on('message', (request: ProducerRequest) => {
  void handle(request).then(
    () => port.postMessage({ kind: 'done', id: request.id } satisfies ProducerReply),
    (e: Error) => port.postMessage({ kind: 'failed', id: request.id, error: e.message } satisfies ProducerReply),
  );
});

async function handle(request: ProducerRequest): Promise<void> {
  switch (request.kind) {
    case 'connect':
      return publisher.connect();
    case 'send':
      return publisher.send(request.records);
    case 'close':
      await publisher.close();
      // Answered first (the reply is queued before the port closes), then the thread ends.
      setImmediate(() => port.close());
      return;
  }
}
