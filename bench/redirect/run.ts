// npm run bench:redirect (builds, then node dist/bench/redirect/run.js) — throughput and latency
// of the redirect edge with tracking, next to a bare Fastify 302 handler measured in the same run
// with the same load, then the edge's p99 at half of its peak rate. Runs its own Kafka broker.
//
// The load tool is wrk when it is installed (Debian: apt-get install wrk), else autocannon;
// BENCH_TOOL=wrk|autocannon chooses. On a small machine the tool shares the CPU with the servers,
// and autocannon (JavaScript) spends several times more CPU per request than wrk (C): with it the
// ratio measures the client's cost as much as the edge's. Both are reported by the closing lines.
//
// The edge under test is a real redirect-service process on a free port, with production settings,
// against a private single-node Kafka broker (started from the jars deploy/infra.sh fetched, removed
// afterwards): it serves a link of an ACTIVE campaign published there, and its clicks go to that
// broker's funnel.clicks, never to a shared broker.
//
// The two peak measurements are interleaved (bare, edge, bare, edge... in BENCH_ROUNDS rounds
// adding up to BENCH_SECONDS each), so a load change elsewhere on the machine weighs on both
// alike rather than on whichever ran second. Throughput = requests / seconds over all rounds;
// p50/p99 = the median of the rounds' values. Half of peak is then offered at a constant rate by
// an open-loop client (see `paced`), to the edge and, for reference, to the bare handler, again
// interleaved in rounds. Server CPU per request comes from /proc; for the edge it is split into
// its request thread and its other threads (the click worker, GC helpers).
//
// Env: BENCH_SECONDS (10), BENCH_ROUNDS (5), BENCH_CONNECTIONS (50),
// BENCH_TOOL (wrk if installed, else autocannon), BENCH_EDGE_NODE_ARGS (extra node flags for the
// edge, e.g. "--cpu-prof --cpu-prof-dir=prof").
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '@funnel/kafka';
import { PrivateKafka } from '@funnel/testing';
import { freePort, ROOT, sleep, waitUntil } from '../common/processes';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS || 5));
const TOOL = process.env.BENCH_TOOL || (hasWrk() ? 'wrk' : 'autocannon');
const MAIN = join(ROOT, 'dist', 'apps', 'redirect-service', 'src', 'main.js');
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';


function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT'; // wrk --version exits 1 after printing its version
  }
}

/** One measurement, in autocannon's result shape, plus what `measured` adds. */
interface LoadResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '3xx'?: number;
  settleSeconds?: number;
  serverCpu?: { user: number; system: number; main: number } | null;
}

interface LoadOptions {
  duration?: number;
}

type Load = (url: string, extra: LoadOptions) => Promise<LoadResult>;

/** A server under test: its process, the other servers (stopped while it is measured) and its idle CPU rate. */
interface Server {
  name: string;
  process: ChildProcess;
  stopping: boolean;
  others: Server[];
  idleCpuPerSecond: number;
}

function startChild(name: string, args: string[], env: Record<string, string>): Server {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const server: Server = { name, process: child, stopping: false, others: [], idleCpuPerSecond: 0 };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.on('exit', (code) => {
    if (code && !server.stopping) console.error(`${name} exited with ${code}:\n${stderr}`);
  });
  return server;
}

function stopChild(server: Server): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  server.stopping = true;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return exited;
}

/** Closed-loop peak load with the chosen tool; the result has autocannon's shape. */
function run(url: string, extra: LoadOptions = {}): Promise<LoadResult> {
  return TOOL === 'wrk' ? runWrk(url, extra.duration ?? SECONDS) : runAutocannon(url, extra);
}

function runAutocannon(url: string, extra: LoadOptions): Promise<LoadResult> {
  return new Promise((done, fail) => {
    const instance = autocannon(
      { url, connections: CONNECTIONS, duration: SECONDS, headers: { 'user-agent': UA, 'cf-ipcountry': 'US' }, ...extra },
      (err, result) => (err ? fail(err) : done(result)),
    );
    instance.on('error', fail);
  });
}

/** wrk on one thread (the machine's other core is the servers'), its output parsed. */
function runWrk(url: string, seconds: number): Promise<LoadResult> {
  const ms = (v: string) => (v.endsWith('us') ? parseFloat(v) / 1000 : v.endsWith('ms') ? parseFloat(v) : parseFloat(v) * 1000);
  return new Promise((done, fail) => {
    const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-H', `User-Agent: ${UA}`, '-H', 'CF-IPCountry: US', url];
    execFile('wrk', args, (err, out) => {
      if (err) return fail(err);
      const total = /(\d+) requests in ([\d.]+)(m?s)/.exec(out);
      if (!total) return fail(new Error(`unexpected wrk output:\n${out}`));
      const percentile = (p: number) => Number(ms(new RegExp(`\\s${p}%\\s+(\\S+)`).exec(out)?.[1] ?? 'NaN').toFixed(1));
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      done({
        requests: { total: Number(total[1]) },
        duration: total[3] === 'ms' ? Number(total[2]) / 1000 : Number(total[2]),
        latency: { p50: percentile(50), p99: percentile(99) },
        errors: socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0,
        timeouts: 0,
        non2xx: non2xx ? Number(non2xx[1]) : 0,
      });
    });
  });
}

/**
 * Open-loop load at a constant rate: requests leave on a fixed schedule (every millisecond, the
 * ones due by then), each on an idle one of CONNECTIONS keep-alive sockets (one request in
 * flight per socket; when all are busy a request waits, and its wait counts), whatever the
 * server's answers, and each latency runs from the request's SCHEDULED start, so a stall counts
 * for every request it delays (no coordinated omission, as wrk2 measures). autocannon's own rate
 * limit sends each connection's quota for a second in one burst at the start of the second, i.e.
 * full peak load for part of every second: that measures the peak again, not half of it. Raw
 * sockets and a prebuilt request keep the client's own cost per request near autocannon's.
 */
function paced(url: string, rate: number, seconds: number): Promise<LoadResult> {
  const { hostname, port, pathname, search } = new URL(url);
  const request = Buffer.from(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUser-Agent: ${UA}\r\nCF-IPCountry: US\r\n\r\n`);
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  type PacedSocket = Socket & { scheduled: number; buffered: string };
  const idle: PacedSocket[] = [];
  const waiting: number[] = [];
  let answered = 0;
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  return new Promise((done, fail) => {
    const sockets = Array.from({ length: CONNECTIONS }, () => {
      const socket = Object.assign(connect({ host: hostname, port: Number(port), noDelay: true }), { scheduled: 0, buffered: '' });
      socket.on('connect', () => next(socket));
      socket.on('error', fail);
      socket.on('data', (chunk: Buffer) => {
        socket.buffered += chunk.toString('latin1');
        for (;;) {
          const end = socket.buffered.indexOf('\r\n\r\n');
          if (end === -1) return;
          const head = socket.buffered.slice(0, end);
          const length = /\r\ncontent-length: *(\d+)/i.exec(head);
          const size = end + 4 + (length ? Number(length[1]) : 0);
          if (socket.buffered.length < size) return;
          socket.buffered = socket.buffered.slice(size);
          if (head.slice(9, 12) !== '302') errors++;
          latencies[answered++] = performance.now() - socket.scheduled;
          if (answered === total) return finish();
          next(socket);
        }
      });
      return socket;
    });
    /** Gives a free socket the oldest waiting request, or marks it idle. */
    const next = (socket: PacedSocket) => {
      const scheduled = waiting.shift();
      if (scheduled === undefined) return void idle.push(socket);
      socket.scheduled = scheduled;
      socket.write(request);
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) {
        waiting.push(start + (sent++ / rate) * 1000);
        const socket = idle.pop();
        if (socket) next(socket);
      }
      if (sent >= total) clearInterval(timer);
    }, 1);
    const finish = () => {
      for (const socket of sockets) socket.destroy();
      const sorted = latencies.sort();
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
      done({
        requests: { total: answered },
        duration: (performance.now() - start) / 1000,
        latency: { p50: Number(at(0.5).toFixed(1)), p99: Number(at(0.99).toFixed(1)) },
        errors,
        timeouts: 0,
        non2xx: 0,
      });
    };
  });
}

/** CPU seconds (user, system) a child has used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(server: Server): { user: number; system: number; main: number } | null {
  const child = server.process;
  try {
    const fields = (stat: string) => readFileSync(stat, 'utf8').split(') ')[1].split(' ');
    const all = fields(`/proc/${child.pid}/stat`);
    const main = fields(`/proc/${child.pid}/task/${child.pid}/stat`); // the main (request) thread
    // utime, stime in clock ticks (USER_HZ = 100)
    return { user: Number(all[11]) / 100, system: Number(all[12]) / 100, main: (Number(main[11]) + Number(main[12])) / 100 };
  } catch {
    return null;
  }
}

/** Runs the load (autocannon unless given) and notes how much CPU the server spent on it. */
/** CPU seconds a child uses per second while nothing is asked of it (timers, consumers' polls). */
async function idleRate(child: Server): Promise<number> {
  const before = cpuSeconds(child);
  await sleep(2000);
  const after = cpuSeconds(child);
  return before === null || after === null ? 0 : (after.user + after.system - before.user - before.system) / 2;
}

/**
 * Runs the load (autocannon unless given), then waits until the server is idle again (its CPU
 * over 250 ms no more than its idle rate plus 2% of a core, at most 30 s): work a server deferred,
 * such as clicks still being produced, belongs to its round, so its CPU counts there and its time
 * is reported as `settleSeconds`, and the next round (often the other server's) starts on a quiet
 * machine.
 */
async function measured(child: Server, url: string, extra: LoadOptions, load: Load = run): Promise<LoadResult> {
  // The other server is stopped (SIGSTOP) while this one is measured: its idle timers and polls
  // then take nothing from this round.
  for (const other of child.others) other.process.kill('SIGSTOP');
  try {
    return await measuredAlone(child, url, extra, load);
  } finally {
    for (const other of child.others) other.process.kill('SIGCONT');
  }
}

async function measuredAlone(child: Server, url: string, extra: LoadOptions, load: Load): Promise<LoadResult> {
  const before = cpuSeconds(child);
  const result = await load(url, extra);
  const loadEnded = Date.now();
  const quiet = 0.25 * ((child.idleCpuPerSecond ?? 0) + 0.02);
  for (let last = cpuSeconds(child); last !== null && Date.now() - loadEnded < 30000; ) {
    await sleep(250);
    const now = cpuSeconds(child);
    if (now === null || now.user + now.system - (last.user + last.system) <= quiet) break;
    last = now;
  }
  result.settleSeconds = (Date.now() - loadEnded) / 1000;
  const after = cpuSeconds(child);
  result.serverCpu =
    before === null || after === null ? null : { user: after.user - before.user, system: after.system - before.system, main: after.main - before.main };
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One line of figures from one or more autocannon results of the same target. */
function summary(...results: LoadResult[]) {
  const cpu = results.map((r) => r.serverCpu ?? null);
  const measuredCpu = cpu.every((c) => c !== null) ? (cpu as { user: number; system: number; main: number }[]) : null;
  const requests = results.reduce((n, r) => n + r.requests.total, 0);
  const seconds = results.reduce((n, r) => n + r.duration, 0);
  return {
    rps: requests / seconds,
    p50: median(results.map((r) => r.latency.p50)),
    p99: median(results.map((r) => r.latency.p99)),
    errors: results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx - (r['3xx'] ?? 0), 0),
    cpuMicrosPerRequest: measuredCpu ? (measuredCpu.reduce((n, c) => n + c.user + c.system, 0) / requests) * 1e6 : null,
    systemMicrosPerRequest: measuredCpu ? (measuredCpu.reduce((n, c) => n + c.system, 0) / requests) * 1e6 : null,
    settleSeconds: median(results.map((r) => r.settleSeconds ?? 0)),
    mainMicrosPerRequest: measuredCpu ? (measuredCpu.reduce((n, c) => n + c.main, 0) / requests) * 1e6 : null,
  };
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build)`);
  const brokerDir = mkdtempSync(join(tmpdir(), 'bench-redirect-kafka-'));
  const broker = await PrivateKafka.create(brokerDir);
  console.log('starting a private Kafka broker for the bench...');
  await broker.start();
  const BROKERS = broker.brokers;
  const kafka = new Kafka({ clientId: 'bench-redirect', brokers: [BROKERS], logLevel: logLevel.WARN });
  await ensureTopics(kafka);

  const handle = `bench-${Date.now().toString(36)}`;
  const producer = kafka.producer();
  await producer.connect();
  const now = new Date().toISOString();
  const campaign = { schema: 'campaign-snapshot.v1', handle, campaignId: 'bench-campaign', status: 'ACTIVE', goalType: 'PRODUCT_SALE', eventType: 'purchase', primarySlug: 'go', cookieDurationDays: 30, version: 1, updatedAt: now };
  const link = { schema: 'link-snapshot.v1', handle, slug: 'go', destinationUrl: 'https://shop.example.com/landing?ref=bench', campaignId: 'bench-campaign', trackingPolicy: { mode: 'DIRECT', appendContextParam: true }, version: 1, updatedAt: now };
  await producer.send({ topic: 'funnel.campaign-snapshots', messages: [{ key: `${handle}/bench-campaign`, value: JSON.stringify(campaign) }] });
  await producer.send({ topic: 'funnel.link-snapshots', messages: [{ key: `${handle}/go`, value: JSON.stringify(link) }] });

  const spool = mkdtempSync(join(tmpdir(), 'bench-redirect-spool-'));
  const [barePort, edgePort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const bareScript = `
    const app = require('fastify')({ logger: false });
    app.get('/:handle/:slug', (request, reply) => reply.code(302).header('location', 'https://shop.example.com/landing?ref=bench').send());
    app.listen({ port: ${barePort}, host: '127.0.0.1' });`;
  const bare = startChild('bare fastify', ['-e', bareScript], {});
  // For reference: the same 302 from node:http alone, which the edge's redirect route is built on.
  const httpScript = `
    require('node:http').createServer((req, res) => {
      res.writeHead(302, { location: 'https://shop.example.com/landing?ref=bench', 'content-length': '0' });
      res.end();
    }).listen(${httpPort}, '127.0.0.1');`;
  const bareHttp = startChild('bare node:http', ['-e', httpScript], {});
  const edge = startChild('redirect-service', [...(process.env.BENCH_EDGE_NODE_ARGS ?? '').split(' ').filter(Boolean), MAIN], {
    REDIRECT_PORT: String(edgePort),
    KAFKA_BROKERS: BROKERS,
    REDIRECT_SPOOL_DIR: spool,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  try {
    await waitUntil('bare fastify', async () => (await fetch(`http://127.0.0.1:${barePort}/a/b`, { redirect: 'manual' })).status === 302);
    await waitUntil('bare node:http', async () => (await fetch(`http://127.0.0.1:${httpPort}/a/b`, { redirect: 'manual' })).status === 302);
    await waitUntil('redirect-service to serve the bench link', async () => (await fetch(`http://127.0.0.1:${edgePort}/${handle}/go`, { redirect: 'manual' })).status === 302, 90000);

    const path = `/${handle}/go?utm_source=bench`;
    // Short warm-ups so neither side is measured while the JIT is still compiling.
    await run(`http://127.0.0.1:${barePort}${path}`, { duration: 2 });
    await run(`http://127.0.0.1:${edgePort}${path}`, { duration: 2 });
    await run(`http://127.0.0.1:${httpPort}${path}`, { duration: 2 });
    [bare.idleCpuPerSecond, edge.idleCpuPerSecond, bareHttp.idleCpuPerSecond] = await Promise.all([idleRate(bare), idleRate(edge), idleRate(bareHttp)]);
    bare.others = [edge, bareHttp];
    edge.others = [bare, bareHttp];
    bareHttp.others = [bare, edge];
    const httpRuns: LoadResult[] = [];
    const bareRuns: LoadResult[] = [];
    const edgeRuns: LoadResult[] = [];
    const roundSeconds = Math.max(1, Math.round(SECONDS / ROUNDS));
    for (let i = 0; i < ROUNDS; i++) {
      bareRuns.push(await measured(bare, `http://127.0.0.1:${barePort}${path}`, { duration: roundSeconds }));
      edgeRuns.push(await measured(edge, `http://127.0.0.1:${edgePort}${path}`, { duration: roundSeconds }));
      httpRuns.push(await measured(bareHttp, `http://127.0.0.1:${httpPort}${path}`, { duration: roundSeconds }));
    }
    const bareResult = summary(...bareRuns);
    const edgeResult = summary(...edgeRuns);
    const httpResult = summary(...httpRuns);
    const halfRate = Math.floor(edgeResult.rps / 2);
    // Half of peak, interleaved in rounds like the peaks: p50/p99 are the medians of the rounds.
    const atRate = (url: string) => paced(url, halfRate, roundSeconds);
    const halfRuns: LoadResult[] = [];
    const bareHalfRuns: LoadResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      halfRuns.push(await measured(edge, `http://127.0.0.1:${edgePort}${path}`, {}, atRate));
      // For reference: what the machine itself allows (the bare handler at the same offered rate).
      bareHalfRuns.push(await measured(bare, `http://127.0.0.1:${barePort}${path}`, {}, atRate));
    }
    const halfResult = summary(...halfRuns);
    const bareHalfResult = summary(...bareHalfRuns);

    const ratio = edgeResult.rps / bareResult.rps;
    const row = (name: string, r: ReturnType<typeof summary>) => `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   non-302/errors ${r.errors}   server CPU ${r.cpuMicrosPerRequest === null ? '?' : `${r.cpuMicrosPerRequest.toFixed(0)} µs/req (kernel ${(r.systemMicrosPerRequest ?? 0).toFixed(0)}, request thread ${(r.mainMicrosPerRequest ?? 0).toFixed(0)})`}   idle again after ${r.settleSeconds.toFixed(2)} s`;
    console.log(`\nredirect bench: ${TOOL}, ${CONNECTIONS} connections, ${SECONDS} s each (peaks interleaved in ${ROUNDS} rounds)\n`);
    console.log(row('bare Fastify 302', bareResult));
    console.log(row('redirect-service with tracking', edgeResult));
    console.log(row('bare node:http 302 (reference)', httpResult));
    console.log(row(`redirect at half peak (${halfRate}/s, paced)`, halfResult));
    console.log(row(`bare at the same rate (reference)`, bareHalfResult));
    console.log(`\nidle CPU: bare ${Math.max(0, bare.idleCpuPerSecond * 100).toFixed(1)}% of a core, redirect-service ${Math.max(0, edge.idleCpuPerSecond * 100).toFixed(1)}%`);
    console.log(`ratio (tracked / bare): ${ratio.toFixed(2)}  (target >= 0.70)  ${ratio >= 0.7 ? 'OK' : 'BELOW TARGET'}`);
    console.log(
      `tracked / bare node:http: ${(edgeResult.rps / httpResult.rps).toFixed(2)}  (for reference: the edge answers its redirect route on node:http, in front of Fastify)`,
    );
    if (bareResult.cpuMicrosPerRequest && edgeResult.cpuMicrosPerRequest) {
      const cpuRatio = bareResult.cpuMicrosPerRequest / edgeResult.cpuMicrosPerRequest;
      console.log(`CPU-bound ratio (bare µs/req ÷ tracked µs/req): ${cpuRatio.toFixed(2)}  (the ratio a CPU-bound edge would reach, whatever else the machine runs)`);
    }
    console.log(`p99 at half of peak: ${halfResult.p99} ms  (target < 10 ms)  ${halfResult.p99 < 10 ? 'OK' : 'ABOVE TARGET'}`);
    if (TOOL === 'autocannon') {
      console.log('note: autocannon spends several times more CPU per request than wrk; on a machine with few cores it takes the core the');
      console.log("      edge's click worker would use, so this ratio measures the client too. Install wrk (apt-get install wrk) to measure the servers.");
    }
  } finally {
    for (const child of [bare, edge, bareHttp]) child.process.kill('SIGCONT');
    await Promise.all([stopChild(bare), stopChild(edge), stopChild(bareHttp)]);
    await producer.disconnect();
    await broker.stop();
    rmSync(spool, { recursive: true, force: true });
    rmSync(brokerDir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
