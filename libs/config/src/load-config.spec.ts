import { ConfigError, loadConfig } from './load-config';
import { GatewayEnv, ProjectorEnv } from './env';

const KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const env = loadConfig(GatewayEnv, { JWT_SECRET: 'x'.repeat(32), GATEWAY_PORT: '4000', WEBHOOK_SECRET_KEYS: KEYS });
    expect(env.GATEWAY_PORT).toBe(4000);
    expect(env.KAFKA_BROKERS).toBe('127.0.0.1:9092');
  });

  it('names every bad variable', () => {
    expect(() => loadConfig(GatewayEnv, { JWT_SECRET: 'short', GATEWAY_PORT: '70000' })).toThrow(ConfigError);
    try {
      loadConfig(GatewayEnv, { JWT_SECRET: 'short', GATEWAY_PORT: '70000', WEBHOOK_SECRET_KEYS: KEYS });
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toContain('JWT_SECRET');
      expect(message).toContain('GATEWAY_PORT="70000"');
      expect(message).not.toContain('short'); // a secret's value is never printed, even a bad one
      expect(message).toContain('JWT_SECRET=(hidden)');
    }
  });

  it('inherits ClickHouse and Kafka settings', () => {
    expect(loadConfig(ProjectorEnv, {}).CLICKHOUSE_DATABASE).toBe('funnel');
    expect(() => loadConfig(ProjectorEnv, { CLICKHOUSE_URL: 'ftp://nope' })).toThrow(/CLICKHOUSE_URL/);
  });
});
