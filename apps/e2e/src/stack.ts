import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { recordIssuedSecret } from '@funnel/testing';

export const ROOT = join(__dirname, '..', '..', '..');
export const GATEWAY = `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 3000}`;
export const REDIRECT = `http://127.0.0.1:${process.env.REDIRECT_PORT ?? 3001}`;

/** A development token from `npm run token` (its last line of output), as a user would get one. */
export function devToken(handle: string, role: string): string {
  const out = execFileSync('npm', ['run', '--silent', 'token', '--', '--handle', handle, '--role', role], { cwd: ROOT, encoding: 'utf8' });
  const lines = out.trim().split('\n');
  const token = lines[lines.length - 1].trim();
  recordIssuedSecret('jwt', token); // the secret scan after the tiers looks for it everywhere
  return token;
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = Record<string, unknown>>(
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const res = await fetch(`${GATEWAY}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = (text ? JSON.parse(text) : {}) as T;
  // Every secret the platform hands out is listed for the secret scan that runs after the tiers.
  const issued = parsed as { token?: unknown; secret?: unknown };
  if (typeof issued.token === 'string' && issued.token.startsWith('fnl_pat_')) recordIssuedSecret('pat', issued.token);
  if (typeof issued.secret === 'string' && issued.secret.startsWith('whsec_')) recordIssuedSecret('webhook-secret', issued.secret);
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  raw: string;
  body: { id: string; type: string; data: Record<string, unknown> };
}

/** A local webhook receiver that records every delivery. */
export async function startReceiver(): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The receiver-side signature check the README documents (HMAC-SHA256 over "timestamp.body"). */
export function verifySignature(secret: string, headers: IncomingMessage['headers'], raw: string): boolean {
  const timestamp = String(headers['webhook-timestamp'] ?? '');
  const given = String(headers['webhook-signature'] ?? '').replace(/^v1=/, '');
  const expected = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
