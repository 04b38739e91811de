import { ConfigError, loadConfig } from './load-config';
import { GatewayEnv, KafkaEnv, RedirectEnv } from './env';

describe('KafkaEnv SASL settings', () => {
  it('defaults to no authentication and no TLS (the local loopback stack)', () => {
    const env = loadConfig(KafkaEnv, {});
    expect(env.KAFKA_SASL_MECHANISM).toBe('');
    expect(env.KAFKA_SASL_USERNAME).toBe('');
    expect(env.KAFKA_SSL).toBe(false);
  });

  it.each(['scram-sha-256', 'scram-sha-512'])('accepts %s with both credentials, and TLS', (mechanism) => {
    const env = loadConfig(RedirectEnv, { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'funnel', KAFKA_SASL_PASSWORD: 'pw-123456', KAFKA_SSL: 'true' });
    expect(env.KAFKA_SASL_MECHANISM).toBe(mechanism);
    expect(env.KAFKA_SASL_PASSWORD).toBe('pw-123456');
    expect(env.KAFKA_SSL).toBe(true);
  });

  it.each([
    ['a mechanism without credentials', { KAFKA_SASL_MECHANISM: 'scram-sha-512' }],
    ['a mechanism without a password', { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'funnel' }],
    ['credentials without a mechanism', { KAFKA_SASL_USERNAME: 'funnel', KAFKA_SASL_PASSWORD: 'pw' }],
    ['an unknown mechanism', { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'funnel', KAFKA_SASL_PASSWORD: 'pw' }],
  ])('refuses %s at boot', (_case, vars) => {
    expect(() => loadConfig(KafkaEnv, vars)).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('never repeats a secret value in the boot error', () => {
    let message = '';
    try {
      loadConfig(KafkaEnv, { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'funnel', KAFKA_SASL_PASSWORD: 'hunter2-secret' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain('KAFKA_SASL_MECHANISM="plain"');
    expect(message).not.toContain('hunter2-secret');
  });

  it('names a refused secret without its value', () => {
    expect(() => loadConfig(GatewayEnv, { JWT_SECRET: 'too-short-1' })).toThrow(/JWT_SECRET=\(hidden\)/);
    expect(() => loadConfig(GatewayEnv, { JWT_SECRET: 'too-short-1' })).not.toThrow(/too-short-1/);
  });
});
