import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConversionEnv } from '@funnel/config';
import { ConversionServiceOptions } from '../platform/service-options';
import { MAX_RESPONSE_BYTES, WebhookSender } from './webhook-sender';

/** Real sockets on loopback, no other infrastructure: what the sender does on the wire. */
describe('WebhookSender', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (hits = 0));

  const sender = (allowPrivate: boolean, timeoutMs = 1000) =>
    new WebhookSender({ env: { WEBHOOK_ALLOW_PRIVATE: allowPrivate, WEBHOOK_TIMEOUT_MS: timeoutMs } as ConversionEnv, groupId: 'unit' } as ConversionServiceOptions);

  it('refuses, at connect time, a host name that resolves to loopback unless private addresses are allowed', async () => {
    const refused = await sender(false).post(`http://localhost:${port}/hook`, '{}', {});
    expect(refused).toMatchObject({ statusCode: null, error: expect.stringContaining('not allowed') });
    expect(hits).toBe(0);
    expect(await sender(true).post(`http://localhost:${port}/hook`, '{}', {})).toMatchObject({ statusCode: 200, error: null });
    expect(hits).toBe(1);
  });

  it('never contacts a link-local literal, even when private addresses are allowed', async () => {
    expect(await sender(true).post('http://169.254.169.254/latest/meta-data', '{}', {})).toMatchObject({ statusCode: null, error: expect.stringContaining('not allowed') });
  });

  it('does not follow redirects', async () => {
    answer = (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    expect(await sender(true).post(`http://127.0.0.1:${port}/hook`, '{}', {})).toMatchObject({ statusCode: 302 });
    expect(hits).toBe(1);
  });

  it('gives up after the timeout and keeps only the first 2 KB of an answer', async () => {
    answer = () => undefined; // never answers
    const slow = await sender(true, 500).post(`http://127.0.0.1:${port}/hook`, '{}', {});
    expect(slow).toMatchObject({ statusCode: null, error: 'timed out after 500 ms' });
    expect(slow.latencyMs).toBeLessThan(2000);
    answer = (_req, res) => res.end('x'.repeat(10000));
    const publicReceiver = sender(true);
    publicReceiver.isPublicAddress = () => true; // as if 127.0.0.1 were a public address
    const big = await publicReceiver.post(`http://127.0.0.1:${port}/hook`, '{}', {});
    expect(big.responseBody).toHaveLength(MAX_RESPONSE_BYTES);
  });

  it('keeps no answer body from a private target, so the log cannot read internal services', async () => {
    answer = (_req, res) => res.writeHead(200).end('internal secret page');
    const result = await sender(true).post(`http://127.0.0.1:${port}/hook`, '{}', {});
    expect(result).toMatchObject({ statusCode: 200, error: null, responseBody: null });
  });
});
