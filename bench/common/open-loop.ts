import { Agent, request } from 'node:http';

/** One request of an open-loop run; `op` names the row it is counted in. */
export interface PlannedRequest {
  op: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Statuses that count as success. */
  expect: readonly number[];
  /** Called with the parsed answer of a successful request (e.g. to remember a created id). */
  onSuccess?: (body: unknown) => void;
}

export interface Target {
  host: string;
  port: number;
}

export interface Sample {
  op: string;
  /** From the request's scheduled start to the last byte of its answer (ms). */
  latencyMs: number;
  ok: boolean;
  /** HTTP status, or 0 for a network error / timeout. */
  status: number;
  target: number;
}

export interface OpenLoopResult {
  samples: Sample[];
  seconds: number;
  /** Requests that left later than 5 ms after their scheduled time (the client itself fell behind). */
  lateStarts: number;
}

/**
 * Open-loop load at a constant rate: request i is due at start + i/rate, and is sent when due
 * whatever the answers to the earlier ones (a timer fires every millisecond and sends every
 * request due by then). Each latency runs from the request's SCHEDULED start, so a stall counts
 * for every request it delays, including the wait for a free keep-alive socket when all
 * `connections` sockets of a target are busy (no coordinated omission, as wrk2 measures).
 * Request i goes to target `targetOf(i)` (default i mod targets); `onProgress` is told every 5 s.
 */
export function openLoop(options: {
  targets: readonly Target[];
  rate: number;
  seconds: number;
  connections: number;
  timeoutMs: number;
  plan: (i: number) => PlannedRequest;
  targetOf?: (i: number) => number;
  onProgress?: (elapsedSeconds: number, answered: number) => void;
}): Promise<OpenLoopResult> {
  const { targets, rate, seconds, connections, timeoutMs, plan, onProgress } = options;
  const targetOf = options.targetOf ?? ((i: number) => i % targets.length);
  const total = Math.max(1, Math.round(rate * seconds));
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: connections }));
  const samples: Sample[] = [];
  let sent = 0;
  let lateStarts = 0;
  const start = performance.now();

  const fire = (i: number, scheduled: number): Promise<void> => {
    const planned = plan(i);
    const targetIndex = targetOf(i);
    const target = targets[targetIndex];
    const payload = planned.body === undefined ? undefined : Buffer.from(JSON.stringify(planned.body));
    if (performance.now() - scheduled > 5) lateStarts++;
    return new Promise<void>((done) => {
      let finished = false;
      const finish = (status: number, text: string) => {
        if (finished) return;
        finished = true;
        const ok = planned.expect.includes(status);
        samples.push({ op: planned.op, latencyMs: performance.now() - scheduled, ok, status, target: targetIndex });
        if (ok && planned.onSuccess) {
          try {
            planned.onSuccess(text ? JSON.parse(text) : null);
          } catch {
            // an answer that is not JSON: counted as it was, nothing remembered
          }
        }
        done();
      };
      const req = request(
        {
          host: target.host,
          port: target.port,
          method: planned.method,
          path: planned.path,
          agent: agents[targetIndex],
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...planned.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          res.on('error', () => finish(0, ''));
        },
      );
      // The timeout runs from the scheduled start, like the latency.
      const timer = setTimeout(() => {
        req.destroy();
        finish(0, '');
      }, timeoutMs);
      req.on('error', () => finish(0, ''));
      req.on('close', () => clearTimeout(timer));
      req.end(payload);
    });
  };

  return new Promise<OpenLoopResult>((done) => {
    const inFlight: Promise<void>[] = [];
    const progress = onProgress ? setInterval(() => onProgress(Math.round((performance.now() - start) / 1000), samples.length), 5000) : undefined;
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (sent < due) {
        const i = sent++;
        inFlight.push(fire(i, start + (i / rate) * 1000));
      }
      if (sent >= total) {
        clearInterval(timer);
        void Promise.all(inFlight).then(() => {
          clearInterval(progress);
          for (const agent of agents) agent.destroy();
          done({ samples, seconds: (performance.now() - start) / 1000, lateStarts });
        });
      }
    }, 1);
  });
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface OpStats {
  op: string;
  count: number;
  errors: number;
  /** status (0 = network error or timeout) → count, for the errors. */
  errorStatuses: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Percentiles over every sample of an op, failed ones included (a timeout is a slow answer too). */
export function statsByOp(samples: readonly Sample[], ops: readonly string[]): OpStats[] {
  const rows = [...ops, 'all'].map((op) => {
    const mine = op === 'all' ? samples : samples.filter((s) => s.op === op);
    const sorted = Float64Array.from(mine.map((s) => s.latencyMs)).sort();
    const errorStatuses: Record<string, number> = {};
    for (const s of mine) if (!s.ok) errorStatuses[String(s.status)] = (errorStatuses[String(s.status)] ?? 0) + 1;
    return {
      op,
      count: mine.length,
      errors: mine.filter((s) => !s.ok).length,
      errorStatuses,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1] : NaN,
    };
  });
  return rows;
}
