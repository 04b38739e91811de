import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from './load-config';
import { CampaignEnv, ClickHouseEnv, ConversionEnv, GatewayEnv, ProjectorEnv, RedirectEnv } from './env';

/** docker-compose.yml cannot run here (no Docker engine), so its agreement with the config lib is checked. */
interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

const APPS = {
  gateway: { env: GatewayEnv, portVar: 'GATEWAY_PORT' },
  'redirect-service': { env: RedirectEnv, portVar: 'REDIRECT_PORT' },
  'campaign-service': { env: CampaignEnv, portVar: 'CAMPAIGN_PORT' },
  'conversion-service': { env: ConversionEnv, portVar: 'CONVERSION_PORT' },
  'analytics-projector': { env: ProjectorEnv, portVar: 'PROJECTOR_PORT' },
} as const;

describe('docker-compose.yml', () => {
  it('runs Kafka (KRaft), ClickHouse, PostgreSQL, Redis, the migration job and the five apps', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['analytics-projector', 'campaign-service', 'clickhouse', 'conversion-service', 'gateway', 'kafka', 'migrate', 'postgres', 'redirect-service', 'redis'],
    );
    expect(compose.services.kafka.image).toMatch(/^apache\/kafka:3\.9/);
    expect(compose.services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.clickhouse.image).toMatch(/^clickhouse\/clickhouse-server:/);
    expect(compose.services.postgres.image).toMatch(/^postgres:15/);
  });

  it.each(Object.entries(APPS))('%s uses only variables the config lib knows, on its default port', (name, { env, portVar }) => {
    const service = compose.services[name];
    const known = Object.keys(new env());
    const given = Object.keys(service.environment ?? {});
    expect(given.filter((k) => !known.includes(k))).toEqual([]);
    const port = (new env() as unknown as Record<string, number>)[portVar];
    expect(Number(service.environment?.[portVar])).toBe(port);
    expect(service.ports).toEqual([`${port}:${port}`]);
    expect(service.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
    // The values validate too (JWT_SECRET comes from the user's shell).
    const values = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
    expect(() => loadConfig<object>(env, { ...values, JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
  });

  it('runs the official Redis image, reached by the gateway on the compose network and not published on the host', () => {
    const redis = compose.services.redis;
    expect(redis.image).toMatch(/^redis:\d/);
    expect(redis.ports).toBeUndefined();
    const gateway = compose.services.gateway;
    expect(gateway.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(gateway.depends_on?.redis).toEqual({ condition: 'service_healthy' });
    // The gateway still waits for the migrations like every app.
    expect(gateway.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
  });

  it('gives the migration job every variable migrations need', () => {
    const known = Object.keys(new ClickHouseEnv());
    const given = Object.keys(compose.services.migrate.environment ?? {});
    for (const k of ['KAFKA_BROKERS', 'CLICKHOUSE_URL']) expect(given).toContain(k);
    expect(given.filter((k) => !known.includes(k) && !k.endsWith('_DATABASE_URL'))).toEqual([]);
  });
});
