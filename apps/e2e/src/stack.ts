import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const GATEWAY = `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 3000}`;
export const REDIRECT = `http://127.0.0.1:${process.env.REDIRECT_PORT ?? 3001}`;

/** A development token from `npm run token` (its last line of output), as a user would get one. */
export function devToken(handle: string, role: string): string {
  const out = execFileSync('npm', ['run', '--silent', 'token', '--', '--handle', handle, '--role', role], { cwd: ROOT, encoding: 'utf8' });
  const lines = out.trim().split('\n');
  return lines[lines.length - 1].trim();
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
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
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
