'use strict';
// Readiness probe for the local Kafka broker, used by deploy/infra.sh:
//   node deploy/kafka-ready.js <timeout-seconds> [brokers]
// A broker that accepts TCP is not yet ready (the KRaft controller may still be electing
// itself), so "ready" means a client can create a topic with a leader. Creating
// funnel.healthcheck is idempotent (an existing topic counts as success), then waits for a
// group coordinator. Exits 0 when ready, 1 on timeout.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = require('kafkajs');

const TOPIC = 'funnel.healthcheck';
const timeoutMs = Number(process.argv[2] || 90) * 1000;
const brokers = (process.argv[3] || process.env.KAFKA_BROKERS || `127.0.0.1:${process.env.KAFKA_PORT || 9092}`).split(',');
const deadline = Date.now() + timeoutMs;

async function attempt() {
  const kafka = new Kafka({
    clientId: 'funnel-kafka-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 }, // this script does its own retrying, bounded by the deadline
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const { topics } = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    const partitions = topics[0]?.partitions ?? [];
    if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) throw new Error(`${TOPIC} has no leader yet`);
    // Finding a group coordinator creates __consumer_offsets on a fresh broker; doing it here
    // spares the first consumer (app or test) "group coordinator is not available" retries.
    await admin.describeGroups(['funnel-kafka-ready']);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function main() {
  let lastError;
  while (Date.now() < deadline) {
    try {
      await attempt();
      return 0;
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  console.error(`kafka-ready: ${brokers.join(',')} not ready after ${timeoutMs / 1000}s: ${lastError && lastError.message}`);
  return 1;
}

main().then((code) => process.exit(code));
