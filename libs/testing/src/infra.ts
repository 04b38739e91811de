import { execSync } from 'node:child_process';
import { Socket } from 'node:net';

/**
 * Handles to the running infrastructure for integration tests. Order of preference:
 * 1. endpoints named by env vars (KAFKA_BROKERS, CLICKHOUSE_URL, CAMPAIGN_DATABASE_URL, CONVERSION_DATABASE_URL);
 * 2. testcontainers when a Docker engine answers (Kafka via @testcontainers/kafka);
 * 3. the local processes that `deploy/infra.sh up` starts (what `npm test` does on a machine without Docker).
 */
export interface Infra {
  kafkaBrokers: string;
  clickhouseUrl: string;
  clickhouseDatabase: string;
  campaignDatabaseUrl: string;
  conversionDatabaseUrl: string;
  source: 'env' | 'testcontainers' | 'local';
}

const LOCAL = {
  kafkaBrokers: `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`,
  clickhouseUrl: `http://127.0.0.1:${process.env.CLICKHOUSE_HTTP_PORT ?? 8123}`,
  clickhouseDatabase: 'funnel',
  campaignDatabaseUrl: 'postgresql://postgres@127.0.0.1:5432/funnel_campaign',
  conversionDatabaseUrl: 'postgresql://postgres@127.0.0.1:5432/funnel_conversion',
};

let cached: Promise<Infra> | undefined;

export function getInfra(): Promise<Infra> {
  cached ??= resolveInfra();
  return cached;
}

async function resolveInfra(): Promise<Infra> {
  const env = process.env;
  if (env.KAFKA_BROKERS && env.CLICKHOUSE_URL) {
    return {
      kafkaBrokers: env.KAFKA_BROKERS,
      clickhouseUrl: env.CLICKHOUSE_URL,
      clickhouseDatabase: env.CLICKHOUSE_DATABASE ?? LOCAL.clickhouseDatabase,
      campaignDatabaseUrl: env.CAMPAIGN_DATABASE_URL ?? LOCAL.campaignDatabaseUrl,
      conversionDatabaseUrl: env.CONVERSION_DATABASE_URL ?? LOCAL.conversionDatabaseUrl,
      source: 'env',
    };
  }
  if (!(await portOpen(LOCAL.kafkaBrokers)) && dockerAnswers()) {
    // Only reached on a machine with Docker and no local broker: start Kafka in a container.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KafkaContainer } = require('@testcontainers/kafka') as typeof import('@testcontainers/kafka');
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start();
    return { ...LOCAL, kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`, source: 'testcontainers' };
  }
  for (const [name, address] of [
    ['Kafka', LOCAL.kafkaBrokers],
    ['ClickHouse', LOCAL.clickhouseUrl.replace(/^https?:\/\//, '')],
    ['PostgreSQL', '127.0.0.1:5432'],
  ] as const) {
    if (!(await portOpen(address))) {
      throw new Error(`${name} is not reachable on ${address}: run \`npm run infra:up\` (npm test does this) or set the env vars`);
    }
  }
  return { ...LOCAL, source: 'local' };
}

function dockerAnswers(): boolean {
  try {
    execSync('docker info', { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export function portOpen(address: string, timeoutMs = 1000): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port), host);
  });
}
