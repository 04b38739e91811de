import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './stack';

/** The apps deploy/stack.sh runs, and the port of their first instance (instance k adds 100*(k-1)). */
export const APP_PORTS = {
  gateway: Number(process.env.GATEWAY_PORT ?? 3000),
  'redirect-service': Number(process.env.REDIRECT_PORT ?? 3001),
  'campaign-service': Number(process.env.CAMPAIGN_PORT ?? 3002),
  'conversion-service': Number(process.env.CONVERSION_PORT ?? 3003),
  'analytics-projector': Number(process.env.PROJECTOR_PORT ?? 3004),
} as const;
export type AppName = keyof typeof APP_PORTS;
export const APPS = Object.keys(APP_PORTS) as AppName[];

export function instanceName(app: AppName, k: number): string {
  return k === 1 ? app : `${app}-${k}`;
}

export function instanceUrl(app: AppName, k: number): string {
  return `http://127.0.0.1:${APP_PORTS[app] + 100 * (k - 1)}`;
}

/** Where deploy/lib.sh keeps pid files: $FUNNEL_STATE_DIR/pids, default <repo>/.state/pids. */
function pidDir(): string {
  return join(process.env.FUNNEL_STATE_DIR ? resolve(ROOT, process.env.FUNNEL_STATE_DIR) : join(ROOT, '.state'), 'pids');
}

/** The pid deploy/stack.sh recorded for an instance it started. */
export function instancePid(app: AppName, k: number): number {
  const pid = Number(readFileSync(join(pidDir(), `${instanceName(app, k)}.pid`), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no pid recorded for ${instanceName(app, k)}`);
  return pid;
}

/** Signals an instance the stack started (its process group: stack.sh starts each with setsid). */
export function signalInstance(app: AppName, k: number, signal: 'SIGKILL' | 'SIGTERM'): number {
  const pid = instancePid(app, k);
  process.kill(-pid, signal);
  return pid;
}

export async function isHealthy(app: AppName, k: number): Promise<boolean> {
  try {
    const res = await fetch(`${instanceUrl(app, k)}/health`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** How many instances of every app answer /health now (0 when instance 1 of some app does not). */
export async function healthyReplicas(max = 3): Promise<number> {
  let n = 0;
  for (let k = 1; k <= max; k++) {
    const all = await Promise.all(APPS.map((app) => isHealthy(app, k)));
    if (!all.every(Boolean)) break;
    n = k;
  }
  return n;
}

/**
 * `deploy/stack.sh scale <n>`: stops the instances above n, starts what is missing of 1..n (the
 * build and migrations are taken as done, as in `npm test`) and returns once all answer /health.
 */
export function scaleStack(n: number): Promise<string> {
  return run('bash', ['deploy/stack.sh', 'scale', String(n)], { FUNNEL_PREPARED: '1' });
}

/** `deploy/stack.sh stop-apps`: stops every instance the stack started. */
export function stopStack(): Promise<string> {
  return run('bash', ['deploy/stack.sh', 'stop-apps'], {});
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 180000, maxBuffer: 4 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-4000)}`));
      else resolvePromise(`${stdout}${stderr}`);
    });
  });
}
