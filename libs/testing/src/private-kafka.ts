import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/** The repository root, from the sources or from their build under dist/. */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'deploy', 'kafka', 'log4j.properties'))) return dir;
  }
  throw new Error(`no repository root above ${__dirname}`);
}

const ROOT = repositoryRoot();

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** A SCRAM-SHA-512 user created when the storage is formatted (KRaft keeps SCRAM credentials in its metadata log). */
export interface ScramUser {
  username: string;
  password: string;
}

/**
 * A single-node KRaft broker of this test's own, run from the broker jars that deploy/infra.sh
 * fetched into the state folder, so a test can stop and restart "Kafka" without touching the
 * shared broker. Its data lives in `dir` and survives stop/start. With `scram`, its client listener is
 * SASL_PLAINTEXT and only that user (SCRAM-SHA-512) gets in; the controller listener stays internal.
 */
export class PrivateKafka {
  private process: ChildProcess | undefined;
  readonly brokers: string;

  private constructor(
    private readonly dir: string,
    private readonly port: number,
    private readonly controllerPort: number,
    readonly scram: ScramUser | undefined,
  ) {
    this.brokers = `127.0.0.1:${port}`;
  }

  static async create(dir: string, options: { scram?: ScramUser } = {}): Promise<PrivateKafka> {
    const kafka = new PrivateKafka(dir, await freePort(), await freePort(), options.scram);
    kafka.configure();
    return kafka;
  }

  private get lib(): string {
    return join(resolve(process.env.FUNNEL_STATE_DIR ?? join(ROOT, '.state')), 'kafka', 'lib');
  }

  private java(): string[] {
    // Quick-start JVM settings: a test broker lives for a minute and carries a few messages.
    return ['-Xms128m', '-Xmx512m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${join(ROOT, 'deploy', 'kafka', 'log4j.properties')}`, '-cp', `${this.lib}/*`];
  }

  private configure(): void {
    if (!existsSync(this.lib)) throw new Error(`no broker jars in ${this.lib}: run \`bash deploy/infra.sh up\` once`);
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    const properties = join(this.dir, 'server.properties');
    const listener = this.scram ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
    const sasl = this.scram
      ? [
          'sasl.enabled.mechanisms=SCRAM-SHA-512',
          'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
          // The broker talks to itself on the client listener, as the same SCRAM user.
          `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${this.scram.username}" password="${this.scram.password}";`,
        ]
      : [];
    writeFileSync(
      properties,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${this.controllerPort}`,
        'controller.listener.names=CONTROLLER',
        `listeners=${listener}://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
        `advertised.listeners=${listener}://127.0.0.1:${this.port}`,
        `inter.broker.listener.name=${listener}`,
        `listener.security.protocol.map=CONTROLLER:PLAINTEXT,${listener}:${listener}`,
        ...sasl,
        `log.dirs=${join(this.dir, 'data')}`,
        'num.partitions=1',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
    const clusterId = randomBytes(16).toString('base64url');
    const users = this.scram ? ['--add-scram', `SCRAM-SHA-512=[name=${this.scram.username},password=${this.scram.password}]`] : [];
    execFileSync('java', [...this.java(), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties, ...users], { stdio: 'ignore' });
  }

  /** Starts the broker and resolves once a client can create a topic on it. */
  async start(timeoutMs = 60000): Promise<void> {
    const log = openSync(join(this.dir, 'kafka.log'), 'a');
    this.process = spawn('java', [...this.java(), 'kafka.Kafka', join(this.dir, 'server.properties')], { stdio: ['ignore', log, log] });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.process.exitCode !== null) throw new Error(`private broker exited (${this.process.exitCode}); see ${join(this.dir, 'kafka.log')}`);
      if (await this.answers()) return;
      if (Date.now() > deadline) throw new Error(`private broker not ready after ${timeoutMs} ms; see ${join(this.dir, 'kafka.log')}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** Stops the broker process (SIGKILL when `hard`) and waits for it to exit. */
  async stop(hard = false): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }

  private async answers(): Promise<boolean> {
    const sasl = this.scram ? { mechanism: 'scram-sha-512' as const, ...this.scram } : undefined;
    const admin = new Kafka({ clientId: 'private-kafka-probe', brokers: [this.brokers], sasl, logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'probe', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
