import type { Admin, Kafka } from 'kafkajs';

/**
 * A health probe of the Kafka cluster over one admin connection, opened on first use and opened
 * again after a failure; `close` (at shutdown) disconnects it if it was ever opened.
 */
export class ClusterProbe {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  async check(): Promise<void> {
    this.connected ??= this.admin.connect().catch((e: Error) => {
      this.connected = undefined;
      throw e;
    });
    await this.connected;
    await this.admin.describeCluster();
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
  }
}
