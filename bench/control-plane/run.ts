/**
 * Control-plane latency benchmark (`npm run bench:control-plane`; bench/control-plane/run.sh
 * builds, brings up the infrastructure when it is down, migrates, then runs this file).
 *
 * Drives campaign create, campaign get, campaign list and link PUT through real gateway
 * instances (Kafka request-reply to a real campaign-service, PostgreSQL behind it) at a fixed
 * request rate, open loop (see bench/common/open-loop.ts: latency runs from each request's
 * scheduled start, so queueing counts), with 1 and with 2 gateway instances, and the same
 * schedule against a bare Fastify server answering the same four routes (the baseline: what
 * the machine, node:http and the client cost without the platform). The four operations take
 * turns (create, get, list, PUT, create ...), so each gets a quarter of the rate; with several
 * gateways, consecutive rounds of four go to the instances in turn.
 *
 * Every process is started here and stopped at the end: campaign-service on PORT_BASE+2, the
 * gateway instances on PORT_BASE, PORT_BASE+100 ... (the project's port scheme shifted by
 * PORT_BASE-3000), the baseline on a free port. They run with production settings against a
 * private single-node Kafka broker (started from the jars deploy/infra.sh fetched) and a throwaway
 * PostgreSQL database with the campaign-service's migrations, both removed at the end, so a stack
 * running on the same machine neither disturbs the figures nor is disturbed.
 *
 * Env (or --flag=value): BENCH_RATE (--rate, 200 requests/s), BENCH_SECONDS (--seconds, 25),
 * BENCH_WARMUP_SECONDS (--warmup, 5), BENCH_GATEWAYS (--gateways, "1,2": the instance counts
 * measured, in order), BENCH_PORT_BASE (--port-base, 3200), BENCH_CONNECTIONS (--connections,
 * 32 keep-alive sockets per gateway), BENCH_TIMEOUT_MS (--timeout-ms, 10000), CAMPAIGN_DATABASE_URL
 * (the PostgreSQL server the throwaway database is made on).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signDevToken } from '@funnel/auth';
import { createKafka, ensureTopics } from '@funnel/kafka';
import { createThrowawayDatabase, prismaMigrateDeploy, ThrowawayDatabase } from '@funnel/persistence';
import { PrivateKafka } from '@funnel/testing';
import { openLoop, OpStats, PlannedRequest, statsByOp, Target } from '../common/open-loop';
import { answers, BenchChild, freePort, portInUse, ROOT, sleep, waitUntil } from '../common/processes';

function setting(flag: string, env: string, fallback: string): string {
  const prefix = `--${flag}=`;
  const arg = process.argv.slice(2).find((a) => a.startsWith(prefix));
  return arg ? arg.slice(prefix.length) : (process.env[env] ?? fallback);
}
function numberSetting(flag: string, env: string, fallback: number): number {
  const value = Number(setting(flag, env, String(fallback)));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${flag} / ${env} must be a positive number`);
  return value;
}

const RATE = numberSetting('rate', 'BENCH_RATE', 200);
const SECONDS = numberSetting('seconds', 'BENCH_SECONDS', 25);
const WARMUP = numberSetting('warmup', 'BENCH_WARMUP_SECONDS', 5);
const PORT_BASE = numberSetting('port-base', 'BENCH_PORT_BASE', 3200);
const CONNECTIONS = numberSetting('connections', 'BENCH_CONNECTIONS', 32);
const TIMEOUT_MS = numberSetting('timeout-ms', 'BENCH_TIMEOUT_MS', 10000);
const GATEWAY_COUNTS = setting('gateways', 'BENCH_GATEWAYS', '1,2')
  .split(',')
  .map((n) => Number(n.trim()));
if (GATEWAY_COUNTS.some((n) => !Number.isInteger(n) || n < 1 || n > 9)) throw new Error('--gateways / BENCH_GATEWAYS: a list of instance counts 1-9, e.g. "1,2"');
/** The private broker's address and the throwaway database's URL, once they exist. */
let BROKERS = '';
let CAMPAIGN_DATABASE_URL = '';
const POSTGRES_SERVER_URL = process.env.CAMPAIGN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/funnel_campaign';
const GOAL_P99_MS = 50;

const GATEWAY_MAIN = resolve(ROOT, 'dist/apps/gateway/src/main.js');
const CAMPAIGN_MAIN = resolve(ROOT, 'dist/apps/campaign-service/src/main.js');
const OPS = ['campaign create', 'campaign get', 'campaign list', 'link PUT'] as const;
const SLUG_POOL = 200;

const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const handle = `bench-${runId}`;
const jwtSecret = randomBytes(32).toString('hex');
/** A key ring of this run's own: the gateway seals webhook signing secrets with it (none are made here). */
const webhookSecretKeys = `k1:${randomBytes(32).toString('base64')}`;
const token = signDevToken({ sub: 'bench', handle, role: 'CREATOR', secret: jwtSecret, expiresIn: '2h' });
const auth = { authorization: `Bearer ${token}` };
const gatewayPort = (k: number) => PORT_BASE + 100 * (k - 1);
const campaignPort = PORT_BASE + 2;
const log = (line: string) => console.log(`[bench:control-plane ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Campaign ids known to exist (created before or during the run), and the link slugs in use. */
const campaigns: string[] = [];
let created = 0;

/**
 * The i-th request of a run: the four operations in turn, against `/v2/handles/{handle}/...`.
 * Only campaigns the platform created join the pool (`remember`: not those the baseline "created").
 */
const plan = (remember: boolean) => (i: number): PlannedRequest => {
  const base = `/v2/handles/${handle}`;
  const n = Math.floor(i / OPS.length);
  const pick = () => campaigns[Math.floor(Math.random() * campaigns.length)];
  switch (OPS[i % OPS.length]) {
    case 'campaign create': {
      const campaignId = `c-${runId}-${created++}`;
      return {
        op: 'campaign create',
        method: 'POST',
        path: `${base}/campaigns`,
        headers: auth,
        body: { campaignId, name: 'Bench campaign', goalType: 'PRODUCT_SALE' },
        expect: [201],
        onSuccess: remember ? () => campaigns.push(campaignId) : undefined,
      };
    }
    case 'campaign get':
      return { op: 'campaign get', method: 'GET', path: `${base}/campaigns/${pick()}`, headers: auth, expect: [200] };
    case 'campaign list':
      return { op: 'campaign list', method: 'GET', path: `${base}/campaigns?limit=20`, headers: auth, expect: [200] };
    default:
      // A pool of slugs written in turn: the first pass creates them, later ones replace them.
      // At a quarter of 200/s a slug comes back every 4 s, so two writes of one link never overlap.
      return {
        op: 'link PUT',
        method: 'PUT',
        path: `${base}/links/l-${n % SLUG_POOL}`,
        headers: auth,
        body: { destinationUrl: `https://shop.example.com/p/${n}`, campaignId: pick(), trackingPolicy: { mode: 'DIRECT', appendContextParam: true } },
        expect: [200],
      };
  }
};

const BARE_SCRIPT = (port: number) => `
  const app = require('fastify')({ logger: false });
  const campaign = (id) => ({ campaignId: id, name: 'Bench campaign', goalType: 'PRODUCT_SALE', status: 'DRAFT', version: 1 });
  app.post('/v2/handles/:handle/campaigns', (req, reply) => reply.code(201).send(campaign(req.body.campaignId)));
  app.get('/v2/handles/:handle/campaigns/:campaignId', (req) => campaign(req.params.campaignId));
  app.get('/v2/handles/:handle/campaigns', () => ({ campaigns: [campaign('a'), campaign('b')], nextCursor: null }));
  app.put('/v2/handles/:handle/links/:slug', (req) => ({ slug: req.params.slug, ...req.body, version: 1 }));
  app.get('/health', () => ({ status: 'ok' }));
  app.listen({ port: ${port}, host: '127.0.0.1' });`;

const children: BenchChild[] = [];
function start(name: string, args: string[], env: Record<string, string>): BenchChild {
  const child = new BenchChild(name, args, env);
  children.push(child);
  return child;
}

function startGateway(k: number): BenchChild {
  return start(`gateway ${k} (:${gatewayPort(k)})`, [GATEWAY_MAIN], {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: BROKERS,
    GATEWAY_PORT: String(gatewayPort(k)),
    JWT_SECRET: jwtSecret,
    WEBHOOK_SECRET_KEYS: webhookSecretKeys,
    RPC_TIMEOUT_MS: String(TIMEOUT_MS),
  });
}

/** Runs warm-up then measurement against `targets`; rounds of four requests go to the targets in turn. */
/** Per-operation figures of one measurement, and how long its last answer took to arrive. */
interface Measurement {
  rows: OpStats[];
  seconds: number;
}

async function measure(label: string, targets: readonly Target[], platform: boolean): Promise<Measurement> {
  const perRound = (i: number) => Math.floor(i / OPS.length) % targets.length;
  log(`${label}: warm-up ${WARMUP} s at ${RATE}/s`);
  await openLoop({ targets, rate: RATE, seconds: WARMUP, connections: CONNECTIONS, timeoutMs: TIMEOUT_MS, plan: plan(platform), targetOf: perRound });
  if (platform) await settle(label, targets);
  log(`${label}: measuring ${SECONDS} s at ${RATE}/s (${Math.round(RATE * SECONDS)} requests)`);
  const result = await openLoop({
    targets,
    rate: RATE,
    seconds: SECONDS,
    connections: CONNECTIONS,
    timeoutMs: TIMEOUT_MS,
    plan: plan(platform),
    targetOf: perRound,
    onProgress: (elapsed, answered) => log(`${label}: ${elapsed} s, ${answered} answered`),
  });
  if (result.lateStarts > 0) log(`${label}: note: ${result.lateStarts} requests left more than 5 ms late (the client was short of CPU); their wait still counts`);
  if (platform) await settle(label, targets);
  const byTarget = targets.map((_, t) => result.samples.filter((s) => s.target === t && s.ok).length);
  if (targets.length > 1) log(`${label}: answered successfully per gateway instance: ${byTarget.join(' / ')}`);
  return { rows: statsByOp(result.samples, OPS), seconds: result.seconds };
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : ms.toFixed(1)).padStart(7);
function table(title: string, rows: readonly OpStats[]): string[] {
  const lines = [title, `  ${'operation'.padEnd(16)} ${'count'.padStart(6)} ${'errors'.padStart(6)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}  (ms)`];
  for (const r of rows) {
    const statuses = Object.entries(r.errorStatuses)
      .map(([status, count]) => `${status === '0' ? 'timeout/network' : status}×${count}`)
      .join(', ');
    lines.push(`  ${r.op.padEnd(16)} ${String(r.count).padStart(6)} ${String(r.errors).padStart(6)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.p99)} ${fmt(r.max)}${statuses ? `  ${statuses}` : ''}`);
  }
  return lines;
}

async function main(): Promise<void> {
  for (const file of [GATEWAY_MAIN, CAMPAIGN_MAIN]) if (!existsSync(file)) throw new Error(`${file} is missing: build first (npm run build)`);
  const maxGateways = Math.max(...GATEWAY_COUNTS);
  const ports = [campaignPort, ...Array.from({ length: maxGateways }, (_, k) => gatewayPort(k + 1))];
  for (const port of ports) if (await portInUse(port)) throw new Error(`port ${port} is in use: choose another --port-base (BENCH_PORT_BASE)`);
  log('starting a private Kafka broker and a throwaway campaign database for the bench');
  brokerDir = mkdtempSync(join(tmpdir(), 'bench-control-plane-kafka-'));
  broker = await PrivateKafka.create(brokerDir);
  await broker.start();
  BROKERS = broker.brokers;
  await ensureTopics(createKafka({ KAFKA_BROKERS: BROKERS }, `bench-control-plane-${runId}`));
  database = await createThrowawayDatabase(POSTGRES_SERVER_URL, 'bench_control_plane');
  await prismaMigrateDeploy(resolve(ROOT, 'apps/campaign-service'), 'CAMPAIGN_DATABASE_URL', database.url);
  CAMPAIGN_DATABASE_URL = database.url;
  log(`handle ${handle}; ${RATE} requests/s open loop, the four operations in turn; ${WARMUP} s warm-up + ${SECONDS} s per measurement`);

  const barePort = await freePort();
  const bare = start('bare fastify', ['-e', BARE_SCRIPT(barePort)], {});
  log(`starting campaign-service on :${campaignPort} and gateway 1 on :${gatewayPort(1)}`);
  const campaignService = start(`campaign-service (:${campaignPort})`, [CAMPAIGN_MAIN], {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: BROKERS,
    CAMPAIGN_PORT: String(campaignPort),
    CAMPAIGN_DATABASE_URL,
  });
  const gateways: BenchChild[] = [startGateway(1)];
  await waitUntil('the bare Fastify server', () => answers(`http://127.0.0.1:${barePort}/health`), 30000, bare);
  await waitUntil(`campaign-service /health on :${campaignPort}`, () => answers(`http://127.0.0.1:${campaignPort}/health`), 120000, campaignService);
  await waitUntil(`gateway 1 /health on :${gatewayPort(1)}`, () => answers(`http://127.0.0.1:${gatewayPort(1)}/health`), 120000, gateways[0]);
  log('services healthy; seeding 20 campaigns');
  for (let i = 0; i < 20; i++) {
    const campaignId = `seed-${runId}-${i}`;
    const res = await fetch(`http://127.0.0.1:${gatewayPort(1)}/v2/handles/${handle}/campaigns`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ campaignId, goalType: 'PRODUCT_SALE' }),
    });
    if (res.status !== 201) throw new Error(`seeding a campaign answered ${res.status}: ${await res.text()}`);
    campaigns.push(campaignId);
  }

  const report: string[] = [];
  const verdicts: string[] = [];
  for (const count of GATEWAY_COUNTS) {
    const label = `${count} gateway${count > 1 ? 's' : ''}`;
    // Instances beyond `count` are stopped, missing ones started.
    while (gateways.length > count) await gateways.pop()?.stop();
    const fresh: BenchChild[] = [];
    for (let k = gateways.length + 1; k <= count; k++) {
      log(`starting gateway ${k} on :${gatewayPort(k)} (same settings as gateway 1)`);
      fresh.push(startGateway(k));
    }
    gateways.push(...fresh);
    const targets = gateways.map((_, k) => ({ host: '127.0.0.1', port: gatewayPort(k + 1) }));
    const cannotServe = await unableToServe(gateways);
    if (cannotServe) {
      log(`${label}: CANNOT SERVE: ${cannotServe}`);
      report.push(`${label}: not measured: ${cannotServe}`);
      verdicts.push(`${label}: not measured (the instances cannot all serve)`);
      // Leave one healthy instance for the next mode.
      while (gateways.length > 1) await gateways.pop()?.stop();
      await waitUntil('gateway 1 to serve again', () => serves(gatewayPort(1)), 90000, gateways[0]).catch((e: Error) => log(`gateway 1 does not serve again: ${e.message}`));
      continue;
    }
    const bareRun = await measure(`baseline for ${label}`, [{ host: '127.0.0.1', port: barePort }], false);
    const run = await measure(label, targets, true);
    const baseline = bareRun.rows;
    const rows = run.rows;
    const answeredIn = (m: Measurement) => {
      const all = m.rows.find((r) => r.op === 'all');
      const ok = all ? all.count - all.errors : 0;
      return `${(ok / m.seconds).toFixed(0)} successful answers/s; the last came ${m.seconds.toFixed(1)} s after the first request (${SECONDS} s of schedule)`;
    };
    report.push(...table(`${label} (${RATE}/s open loop through ${targets.map((t) => `:${t.port}`).join(', ')}; ${answeredIn(run)})`, rows));
    report.push(...table(`  bare Fastify, same schedule, measured just before (${answeredIn(bareRun)})`, baseline));
    const worst = rows.filter((r) => r.op !== 'all').reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const errors = rows.find((r) => r.op === 'all')?.errors ?? 0;
    const pass = worst.p99 < GOAL_P99_MS && errors === 0;
    verdicts.push(
      `${label}: ${pass ? 'PASS' : 'FAIL'}: worst p99 ${worst.p99.toFixed(1)} ms (${worst.op}), ${errors} errors; baseline worst p99 ` +
        `${Math.max(...baseline.filter((r) => r.op !== 'all').map((r) => r.p99)).toFixed(1)} ms`,
    );
  }

  console.log('');
  for (const line of report) console.log(line);
  console.log('');
  console.log(`goal: p99 < ${GOAL_P99_MS} ms for every operation at ${RATE} requests/s with no errors (the goal is stated at 200/s)`);
  for (const line of verdicts) console.log(`  ${line}`);

}

let broker: PrivateKafka | undefined;
let brokerDir: string | undefined;
let database: ThrowawayDatabase | undefined;

/** After the services have stopped: the private broker and the throwaway database go too. */
async function removePrivateState(): Promise<void> {
  await broker?.stop().catch((e: Error) => log(`private broker stop: ${e.message}`));
  if (brokerDir) rmSync(brokerDir, { recursive: true, force: true });
  await database?.drop().catch((e: Error) => log(`could not drop ${database?.name}: ${e.message}`));
}

/**
 * Waits until a campaign list through each target answers within 100 ms (at most 60 s): requests
 * that timed out at the gateway may still wait in the RPC topic, and belong to the phase that sent them.
 */
async function settle(label: string, targets: readonly Target[]): Promise<void> {
  const started = Date.now();
  for (const target of targets) {
    for (;;) {
      const t0 = performance.now();
      const ok = await serves(target.port).catch(() => false);
      if (ok && performance.now() - t0 < 100) break;
      if (Date.now() - started > 60000) {
        log(`${label}: still not idle after 60 s; going on`);
        return;
      }
      await sleep(500);
    }
  }
  const waited = (Date.now() - started) / 1000;
  if (waited > 1) log(`${label}: idle again after ${waited.toFixed(1)} s`);
}

/** One list request answered 200 through this gateway. */
async function serves(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/v2/handles/${handle}/campaigns?limit=1`, { headers: auth, signal: AbortSignal.timeout(TIMEOUT_MS + 1000) });
  await res.arrayBuffer();
  return res.status === 200;
}

/** Why these gateway instances cannot all serve (null when each is healthy and answers a request). */
async function unableToServe(gateways: readonly BenchChild[]): Promise<string | null> {
  for (let k = 1; k <= gateways.length; k++) {
    const child = gateways[k - 1];
    try {
      await waitUntil(`gateway ${k} /health`, () => answers(`http://127.0.0.1:${gatewayPort(k)}/health`), 60000, child);
    } catch (e) {
      const cause = /no partition[^"\n]*/.exec(child.outputTail())?.[0] ?? (e as Error).message.split('\n')[0];
      return `gateway ${k} (:${gatewayPort(k)}) is not healthy: ${cause}`;
    }
  }
  for (let k = 1; k <= gateways.length; k++) {
    const ok = await serves(gatewayPort(k)).catch(() => false);
    if (!ok) {
      const health = await fetch(`http://127.0.0.1:${gatewayPort(k)}/health`)
        .then((r) => r.text())
        .catch((e: Error) => e.message);
      return `gateway ${k} (:${gatewayPort(k)}) does not answer a campaign list (health: ${health.slice(0, 300)})`;
    }
  }
  return null;
}

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    log('stopping the processes the bench started');
    await Promise.all(children.map((c) => c.stop()));
    await removePrivateState();
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().then(() => process.exit(130));
  });
}

main()
  .then(() => stopAll())
  .catch(async (e: Error) => {
    console.error(`bench:control-plane failed: ${e.stack ?? e.message}`);
    await stopAll();
    process.exit(1);
  });
