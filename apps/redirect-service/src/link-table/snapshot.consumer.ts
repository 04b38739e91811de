import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { parseCampaignSnapshot, parseLinkSnapshot, parseRuleSnapshot, TOPICS } from '@funnel/contracts';
import type { HealthCheck } from '@funnel/observability';
import { KAFKA, SERVICE } from '../platform/tokens';
import { CatchUpTracker, PartitionTarget } from './catch-up';
import { ApplyResult, LinkTable } from './link-table';


const SNAPSHOT_TOPICS = [TOPICS.linkSnapshots, TOPICS.campaignSnapshots, TOPICS.ruleSnapshots] as const;

export interface SnapshotStats {
  applied: number;
  stale: number;
  deleted: number;
  invalid: number;
}

/** Backoff between restarts of a consumer that kafkajs left down after a crash. */
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30000;

/**
 * Feeds the link table from the compacted snapshot topics. Every instance must hold every
 * link, so each process joins a consumer group of its own (random id), reads from the
 * beginning and never commits: a restarted process rebuilds its table from the topics.
 *
 * kafkajs restarts a consumer by itself after retriable errors only; after any other crash this
 * class starts a new consumer (backoff doubling from 0.5 s to 30 s) that resumes where the table
 * stands. From the crash until the consumer has joined again, `failure` says why and /health
 * reports the link table down: the table is kept and still answers, but it no longer follows
 * deletions and pauses, so a load balancer should prefer an instance that does.
 */
@Injectable()
export class SnapshotConsumer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotConsumer.name);
  private readonly groupId = `${SERVICE}-${randomUUID()}`;
  private consumer: Consumer | undefined;
  private tracker: CatchUpTracker | undefined;
  /** Next offset per partition, so a consumer restarted after a crash resumes instead of replaying. */
  private readonly positions = new Map<string, { topic: string; partition: number; offset: bigint }>();
  private startedAt = 0;
  private stopping = false;
  private restartDelayMs = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  private crashed: string | null = null;
  readonly stats: SnapshotStats = { applied: 0, stale: 0, deleted: 0, invalid: 0 };

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly table: LinkTable,
  ) {}

  /** Where catch-up stands, for /health while the table is loading. */
  progress(): string {
    return this.tracker?.describe() ?? 'not started';
  }

  /** Why the table is not following the topics right now (a crashed consumer); null while it is. */
  get failure(): string | null {
    return this.crashed;
  }

  async onModuleInit(): Promise<void> {
    this.startedAt = Date.now();
    this.tracker = new CatchUpTracker(await this.fetchEndOffsets());
    await this.startConsumer();
    this.checkReady();
  }

  private async startConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
      // Short long-polls: an idle fetch would otherwise hold shutdown for up to 5 s.
      maxWaitTimeInMs: 500,
      // kafkajs restarts a crashed consumer on a timer; a crash handled while disconnect runs would
      // otherwise restart it after the disconnect, reconnecting forever to a broker that is gone.
      retry: { retries: 5, restartOnFailure: async () => !this.stopping },
    });
    this.consumer = consumer;
    const { GROUP_JOIN, END_BATCH_PROCESS, CRASH } = consumer.events;
    consumer.on(GROUP_JOIN, () => {
      this.crashed = null;
      this.resumePositions(consumer);
    });
    // Batches that held only control records or compacted-away offsets reach no handler but still move the position.
    consumer.on(END_BATCH_PROCESS, ({ payload }) => this.advance(payload.topic, payload.partition, payload.lastOffset));
    consumer.on(CRASH, ({ payload }) => {
      this.crashed = `snapshot consumer crashed: ${payload.error.message}`;
      this.logger.error(`${this.crashed} (kafkajs restarts it: ${payload.restart})`);
      if (!payload.restart) this.restartLater(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...SNAPSHOT_TOPICS], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.apply(batch.topic, batch.partition, message);
        const last = batch.messages[batch.messages.length - 1];
        if (last) this.advance(batch.topic, batch.partition, last.offset);
        // Progress, not a mere rejoin, ends a crash loop's backoff.
        this.restartDelayMs = RESTART_MIN_MS;
      },
    });
  }

  /** Replaces a consumer kafkajs will not restart; tries again with a longer wait until one runs. */
  private restartLater(crashed: Consumer): void {
    if (this.stopping) return;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(delay * 2, RESTART_MAX_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void (async () => {
        await crashed.disconnect().catch(() => undefined);
        if (this.stopping) return;
        await this.startConsumer();
        this.logger.warn(`snapshot consumer restarted after ${delay} ms`);
      })().catch((e: Error) => {
        this.crashed = `snapshot consumer could not restart: ${e.message}`;
        this.logger.error(`${this.crashed}; trying again`);
        if (this.consumer) this.restartLater(this.consumer);
      });
    }, delay);
  }

  /** After the HTTP server has closed: until then, requests still read the table (which stays as it is). */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.consumer?.disconnect().catch((e: Error) => this.logger.warn(`snapshot consumer disconnect: ${e.message}`));
  }

  private async fetchEndOffsets(): Promise<PartitionTarget[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const targets: PartitionTarget[] = [];
      for (const topic of SNAPSHOT_TOPICS) {
        for (const p of await admin.fetchTopicOffsets(topic)) targets.push({ topic, partition: p.partition, high: p.high, low: p.low });
      }
      return targets;
    } finally {
      await admin.disconnect();
    }
  }

  private apply(topic: string, partition: number, message: KafkaMessage): void {
    const key = message.key?.toString();
    if (!key) {
      this.invalid(topic, partition, message.offset, 'message has no key');
      return;
    }
    let result: ApplyResult;
    if (topic === TOPICS.linkSnapshots) {
      if (message.value === null) result = this.table.deleteLink(key);
      else {
        const parsed = parseLinkSnapshot(key, message.value);
        if (!parsed.ok) return this.invalid(topic, partition, message.offset, parsed.error);
        result = this.table.putLink(parsed.value);
      }
    } else if (topic === TOPICS.ruleSnapshots) {
      if (message.value === null) result = this.table.deleteRule(key);
      else {
        const parsed = parseRuleSnapshot(key, message.value);
        if (!parsed.ok) return this.invalid(topic, partition, message.offset, parsed.error);
        result = this.table.putRule(parsed.value);
      }
    } else {
      if (message.value === null) result = this.table.deleteCampaign(key);
      else {
        const parsed = parseCampaignSnapshot(key, message.value);
        if (!parsed.ok) return this.invalid(topic, partition, message.offset, parsed.error);
        result = this.table.putCampaign(parsed.value);
      }
    }
    if (result === 'applied') this.stats.applied++;
    else if (result === 'stale') this.stats.stale++;
    else this.stats.deleted++;
  }

  /** Snapshots are state, not events: a bad one is counted, logged and skipped (no DLQ to replay from). */
  private invalid(topic: string, partition: number, offset: string, error: string): void {
    this.stats.invalid++;
    this.logger.warn(`skipped invalid snapshot ${topic}[${partition}]@${offset}: ${error}`);
  }

  private advance(topic: string, partition: number, lastOffset: string): void {
    const id = `${topic}[${partition}]`;
    const next = BigInt(lastOffset) + 1n;
    const held = this.positions.get(id);
    if (!held || next > held.offset) this.positions.set(id, { topic, partition, offset: next });
    this.tracker?.observe(topic, partition, lastOffset);
    this.checkReady();
  }

  private checkReady(): void {
    if (this.table.ready || !this.tracker?.caughtUp) return;
    this.table.markReady();
    this.logger.log(
      `link table ready in ${Date.now() - this.startedAt} ms: ${this.table.linkCount} links, ${this.table.campaignCount} campaigns, ${this.table.rules.size} rules, ` +
        `${this.stats.invalid} invalid snapshots skipped`,
    );
  }

  private resumePositions(consumer: Consumer): void {
    for (const { topic, partition, offset } of this.positions.values()) {
      consumer.seek({ topic, partition, offset: offset.toString() });
    }
  }
}

/**
 * linkTable: the link, campaign and rule tables have caught up with the snapshot topics as they
 * were at startup (before that, unknown links answer 503, not 404), and are still following them.
 */
export function linkTableHealth(table: LinkTable, snapshots: SnapshotConsumer): HealthCheck {
  return {
    name: 'linkTable',
    check: async () => {
      if (!table.ready) throw new Error(`loading snapshots: ${snapshots.progress()}`);
      const failure = snapshots.failure;
      if (failure) throw new Error(`not following the snapshot topics: ${failure}`);
    },
  };
}
