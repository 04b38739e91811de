import { classifyAttempt, MAX_ATTEMPTS, MAX_DELAY_MS, nextStep, retryDelayMs } from './retry-schedule';

describe('webhook retry schedule', () => {
  const noJitter = () => 0;

  it('doubles from 1 s', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000, 256000]);
  });

  it('caps at one hour, jitter included', () => {
    expect(retryDelayMs(13, noJitter)).toBe(MAX_DELAY_MS);
    expect(retryDelayMs(40, () => 0.999)).toBe(MAX_DELAY_MS);
  });

  it('adds at most 10 % jitter', () => {
    expect(retryDelayMs(3, () => 0.5)).toBe(4200);
    expect(retryDelayMs(3, () => 0.999)).toBeLessThanOrEqual(4400);
    expect(retryDelayMs(3, () => 0.999)).toBeGreaterThan(4000);
  });

  it('classifies answers', () => {
    expect(classifyAttempt({ statusCode: 204, error: null })).toBe('delivered');
    expect(classifyAttempt({ statusCode: null, error: 'timeout' })).toBe('retryable');
    expect(classifyAttempt({ statusCode: 503, error: null })).toBe('retryable');
    expect(classifyAttempt({ statusCode: 429, error: null })).toBe('retryable');
    expect(classifyAttempt({ statusCode: 302, error: null })).toBe('permanent');
    expect(classifyAttempt({ statusCode: 404, error: null })).toBe('permanent');
  });

  it('retries until the 10th attempt, then gives up', () => {
    const failure = { statusCode: 500, error: null };
    expect(nextStep(1, failure, noJitter)).toEqual({ status: 'pending', delayMs: 1000 });
    expect(nextStep(MAX_ATTEMPTS - 1, failure, noJitter)).toEqual({ status: 'pending', delayMs: 256000 });
    expect(nextStep(MAX_ATTEMPTS, failure, noJitter)).toEqual({ status: 'failed' });
    expect(nextStep(3, { statusCode: 200, error: null })).toEqual({ status: 'delivered' });
    expect(nextStep(1, { statusCode: 410, error: null })).toEqual({ status: 'failed' });
  });
});
