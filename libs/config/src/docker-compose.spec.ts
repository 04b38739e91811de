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

/** The only services reachable from outside the Docker network. */
const PUBLIC = ['gateway', 'redirect-service'];

/** What the user's shell provides (docs/deploy.md); compose refuses to start without any of them. */
const SECRETS = {
  JWT_SECRET: 'j'.repeat(32),
  KAFKA_PASSWORD: 'kafka-pw-123',
  POSTGRES_PASSWORD: 'pg-pw-456',
  CLICKHOUSE_PASSWORD: 'ch-pw-789',
  WEBHOOK_SECRET_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

/** Compose's own interpolation, for the forms this file uses: `${NAME:?message}` and `${NAME:-default}`. */
function interpolate(value: string | number, shell: Record<string, string>): string {
  return String(value).replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([?-])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    const given = shell[name];
    if (given) return given;
    if (kind === '?') throw new Error(`compose: ${name}: ${rest}`);
    return kind === '-' ? (rest ?? '') : '';
  });
}

const environment = (service: string, shell: Record<string, string> = SECRETS) =>
  Object.fromEntries(Object.entries(compose.services[service].environment ?? {}).map(([k, v]) => [k, interpolate(v, shell)]));

/** The kafka service's start script, as the container's shell sees it (compose turns `$$` into `$`). */
const kafkaScript = () => (compose.services.kafka.command ?? []).join('\n').replace(/\$\$/g, '$');

describe('docker-compose.yml', () => {
  it('runs Kafka (KRaft), ClickHouse, PostgreSQL, Redis, the migration job and the five apps', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['analytics-projector', 'campaign-service', 'clickhouse', 'conversion-service', 'gateway', 'kafka', 'migrate', 'postgres', 'redirect-service', 'redis'],
    );
    expect(compose.services.kafka.image).toMatch(/^apache\/kafka:3\.9/);
    expect(kafkaScript()).toContain('process.roles=broker,controller');
    expect(compose.services.clickhouse.image).toMatch(/^clickhouse\/clickhouse-server:/);
    expect(compose.services.postgres.image).toMatch(/^postgres:15/);
  });

  it('publishes only the public ports (gateway, redirect edge) on the host', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (PUBLIC.includes(name)) continue;
      expect({ name, ports: service.ports }).toEqual({ name, ports: undefined });
    }
  });

  it.each(Object.entries(APPS))('%s uses only variables the config lib knows, on its default port', (name, { env, portVar }) => {
    const service = compose.services[name];
    const known = Object.keys(new env());
    const given = Object.keys(service.environment ?? {});
    expect(given.filter((k) => !known.includes(k))).toEqual([]);
    const port = (new env() as unknown as Record<string, number>)[portVar];
    expect(Number(service.environment?.[portVar])).toBe(port);
    expect(service.ports).toEqual(PUBLIC.includes(name) ? [`${port}:${port}`] : undefined);
    expect(service.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
    // The values validate too, once the shell's secrets are filled in.
    expect(() => loadConfig<object>(env, environment(name))).not.toThrow();
  });

  it.each([...Object.keys(APPS), 'migrate'])('%s authenticates to Kafka with SCRAM, its password from the environment', (name) => {
    const env = environment(name);
    expect(env).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'funnel' });
    expect(env.KAFKA_SASL_PASSWORD).toBe(SECRETS.KAFKA_PASSWORD);
    expect(() => environment(name, { ...SECRETS, KAFKA_PASSWORD: '' })).toThrow(/KAFKA_PASSWORD/);
  });

  it('runs Kafka with one SASL/SCRAM client listener, the controller on loopback and the user created at format', () => {
    const script = kafkaScript();
    const property = (key: string) => script.match(new RegExp(`^\\s*${key.replace(/\./g, '\\.')}=(.*)$`, 'm'))?.[1];
    expect(property('listeners')).toBe('SASL_PLAINTEXT://:9092,CONTROLLER://127.0.0.1:9093');
    expect(property('advertised.listeners')).toBe('SASL_PLAINTEXT://kafka:9092');
    expect(property('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT');
    expect(property('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512');
    expect(property('inter.broker.listener.name')).toBe('SASL_PLAINTEXT');
    expect(script).toMatch(/kafka-storage\.sh format [^\n]*\\\n\s*--add-scram "SCRAM-SHA-512=\[name=\$SCRAM_USERNAME,password=\$SCRAM_PASSWORD\]"/);
    expect(environment('kafka')).toMatchObject({ SCRAM_USERNAME: 'funnel', SCRAM_PASSWORD: SECRETS.KAFKA_PASSWORD });
    expect(compose.services.kafka.environment?.SCRAM_PASSWORD).toMatch(/^\$\{KAFKA_PASSWORD:\?/);
    // The health probe authenticates too (a plaintext probe would never see the broker healthy).
    expect(JSON.stringify((compose.services.kafka as { healthcheck?: unknown }).healthcheck)).toContain('--command-config /tmp/client.properties');
  });

  it('protects PostgreSQL with a password from the environment, carried by every database URL', () => {
    const postgres = compose.services.postgres.environment ?? {};
    expect(postgres).not.toHaveProperty('POSTGRES_HOST_AUTH_METHOD');
    expect(postgres.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    const urls = ['migrate', 'campaign-service', 'conversion-service'].flatMap((name) =>
      Object.entries(environment(name)).filter(([k]) => k.endsWith('_DATABASE_URL')).map(([, v]) => v),
    );
    expect(urls).toHaveLength(4);
    for (const url of urls) expect(new URL(url).password).toBe(SECRETS.POSTGRES_PASSWORD);
    expect(() => environment('campaign-service', { ...SECRETS, POSTGRES_PASSWORD: '' })).toThrow(/POSTGRES_PASSWORD/);
  });

  it('protects ClickHouse with a password from the environment, given to the projector and the migration job', () => {
    expect(compose.services.clickhouse.environment?.CLICKHOUSE_PASSWORD).toMatch(/^\$\{CLICKHOUSE_PASSWORD:\?/);
    expect(environment('clickhouse').CLICKHOUSE_PASSWORD).toBe(SECRETS.CLICKHOUSE_PASSWORD);
    for (const name of ['analytics-projector', 'migrate']) expect(environment(name).CLICKHOUSE_PASSWORD).toBe(SECRETS.CLICKHOUSE_PASSWORD);
  });

  it('writes no secret into the file: every password and secret is required from the environment', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!/(PASSWORD|SECRET)$/.test(key)) continue;
        expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^\$\{[A-Z_]+:\?[^}]+\}$/) });
      }
    }
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
    expect(() => loadConfig(ClickHouseEnv, environment('migrate'))).not.toThrow();
  });
});
