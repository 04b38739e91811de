import { MAX_REQUEST_BYTES, OutgoingMessage, requestsOf } from './producer';

const message = (bytes: number, key: string | null = 'k'): OutgoingMessage => ({ key, value: 'x'.repeat(bytes - (key?.length ?? 0)) });

describe('requestsOf', () => {
  it('keeps a small list in one request', () => {
    const messages = [message(10), message(20)];
    expect(requestsOf(messages)).toEqual([messages]);
  });

  it('cuts a long list into consecutive requests under the byte bound, in order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(298) }));
    const requests = requestsOf(messages, 1000);
    expect(requests.map((r) => r.length)).toEqual([3, 3, 3, 1]);
    expect(requests.flat()).toEqual(messages);
  });

  it('sends a message larger than the bound on its own, and counts bytes, not characters', () => {
    const big = message(5000);
    expect(requestsOf([message(10), big, message(10)], 1000)).toEqual([[expect.anything()], [big], [expect.anything()]]);
    const wide = { key: null, value: 'é'.repeat(400) }; // 800 bytes in UTF-8
    expect(requestsOf([wide, wide], 1000)).toHaveLength(2);
  });

  it('bounds requests at half the broker default', () => {
    expect(MAX_REQUEST_BYTES).toBeLessThanOrEqual(1024 * 1024 / 2);
    expect(requestsOf([])).toEqual([]);
  });
});
