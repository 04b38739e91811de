import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { ConversionServiceOptions, SERVICE_OPTIONS } from '../platform/service-options';
import { classifyAddress, isAddressAllowed } from './url-safety';

export const MAX_RESPONSE_BYTES = 2048;

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /**
   * At most MAX_RESPONSE_BYTES of the answer; null when the receiver's address is not public (a
   * private target allowed by WEBHOOK_ALLOW_PRIVATE): the delivery log must not become a way to
   * read internal services' answers.
   */
  responseBody: string | null;
}

/**
 * Checks the address a connection is about to use, not only the one seen at subscription time,
 * so a host that later resolves to a private or link-local address (DNS rebinding) is refused.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => !isAddressAllowed(a.address, allowPrivate));
      if (refused || addresses.length === 0) {
        return callback(Object.assign(new Error(`address ${refused?.address ?? 'none'} of ${hostname} is not allowed`), { code: 'EADDRREFUSED' }), '', 0);
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** POSTs one webhook: no redirects followed, one fresh connection, a hard overall timeout. */
@Injectable()
export class WebhookSender {
  private readonly allowPrivate: boolean;
  private readonly timeoutMs: number;
  /** Whether a receiver's address counts as public (its answers are then kept in the log); unit tests replace it. */
  isPublicAddress = (address: string): boolean => classifyAddress(address) === 'public';

  constructor(@Inject(SERVICE_OPTIONS) options: ConversionServiceOptions) {
    this.allowPrivate = options.env.WEBHOOK_ALLOW_PRIVATE;
    this.timeoutMs = options.env.WEBHOOK_TIMEOUT_MS;
  }

  post(url: string, body: string, headers: Record<string, string>, timeoutMs = this.timeoutMs): Promise<SendResult> {
    const started = Date.now();
    const finish = (statusCode: number | null, error: string | null, responseBody: string | null): SendResult => ({
      statusCode,
      latencyMs: Date.now() - started,
      error,
      responseBody,
    });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve(finish(null, 'invalid url', null));
    }
    const literal = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal) && !isAddressAllowed(literal, this.allowPrivate)) {
      return Promise.resolve(finish(null, `address ${literal} is not allowed`, null));
    }
    const client = target.protocol === 'https:' ? https : http;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      let status: number | null = null;
      const chunks: Buffer[] = [];
      let size = 0;
      let publicTarget = false;
      const kept = () => (status === null || !publicTarget ? null : Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'));
      const settle = (error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(finish(status, error, kept()));
      };
      const request = client.request(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'funnel-webhooks/1' },
          lookup: guardedLookup(this.allowPrivate),
          agent: false,
        },
        (response) => {
          // The status decides the outcome; the body is only kept (truncated) for the attempt log.
          status = response.statusCode ?? null;
          const remote = response.socket?.remoteAddress;
          publicTarget = remote !== undefined && this.isPublicAddress(remote);
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= MAX_RESPONSE_BYTES) {
              settle(null);
              response.destroy();
            }
          });
          response.on('end', () => settle(null));
          response.on('close', () => settle(null));
          response.on('error', () => settle(null));
        },
      );
      const timer = setTimeout(() => {
        settle(`timed out after ${timeoutMs} ms`);
        request.destroy();
      }, timeoutMs);
      request.on('error', (e: NodeJS.ErrnoException) => settle(e.message || e.code || 'request failed'));
      request.end(body);
    });
  }
}
