import 'reflect-metadata';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConversionEnv, loadConfig } from '@funnel/config';
import { createKafka, rpcTransport } from '@funnel/kafka';
import { jsonLogger } from '@funnel/observability';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test only: the conversion-service answers the webhook check
import { AppModule as ConversionAppModule } from '../../conversion-service/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test only
import { createTestDatabase, startServiceGroupsAtEnd } from '../../conversion-service/test/conversion-harness';
import { getInfra, PrefixedServerKafka, TEST_WEBHOOK_SECRET_KEYS, uniqueId, waitFor } from '@funnel/testing';
import { call, ControlPlane, jwtFor, RPC_PREFIX, startControlPlane } from './control-plane-harness';

/**
 * Seed 000's walk, steps 1-3, through the real gateway, campaign-service and conversion-service
 * (on RPC topics of their own, real Kafka and PostgreSQL): create the campaign, put its primary
 * link, check health, with no webhook subscription at all. The answer is READY; the webhook
 * check is a WARN saying no webhook subscribes (the conversion-service answered: not "could not
 * be checked").
 */
describe('seed 000 walk: campaign, link, health before any webhook', () => {
  let cp: ControlPlane;
  let conversion: INestMicroservice;
  let dropDatabase: () => Promise<void> = async () => undefined;
  const handle = uniqueId('walk');

  beforeAll(async () => {
    cp = await startControlPlane('walk');
    const infra = await getInfra();
    const database = await createTestDatabase(infra.conversionDatabaseUrl);
    dropDatabase = () => database.drop();
    const groupId = uniqueId('conversion-service-walk-');
    await startServiceGroupsAtEnd(createKafka({ KAFKA_BROKERS: infra.kafkaBrokers }, 'conversion-service-walk'), groupId);
    const env = loadConfig(ConversionEnv, { KAFKA_BROKERS: infra.kafkaBrokers, CONVERSION_DATABASE_URL: database.url, LOG_LEVEL: 'warn', WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_SECRET_KEYS });
    const transport = rpcTransport({ KAFKA_BROKERS: infra.kafkaBrokers }, 'conversion-service-walk', uniqueId('conversion-service-walk-rpc-')).options ?? {};
    conversion = await NestFactory.createMicroservice(ConversionAppModule.register({ env, groupId }), {
      strategy: new PrefixedServerKafka(RPC_PREFIX, transport),
      logger: jsonLogger('conversion-service-walk', 'warn'),
    });
    await conversion.listen();
    // The conversion-service's group has to join before it answers: wait until a list comes back.
    const probe = uniqueId('probe');
    await waitFor(
      () => call(cp.baseUrl, 'GET', `/v2/handles/${probe}/webhooks`, { token: jwtFor(probe, 'CREATOR') }),
      (r) => r.status === 200,
      { timeoutMs: 60000, intervalMs: 500, what: 'the conversion-service to answer through the gateway' },
    );
  }, 180000);

  afterAll(async () => {
    await conversion?.close();
    await dropDatabase();
    await cp?.close();
  });

  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    call<T>(cp.baseUrl, method, `/v2/handles/${handle}${path}`, { token: jwtFor(handle, 'CREATOR'), ...(body !== undefined ? { body } : {}) });

  it('answers READY, the webhook check a WARN, before any webhook exists', async () => {
    expect((await api<{ webhooks: unknown[] }>('GET', '/webhooks')).body.webhooks).toEqual([]);
    const created = await api('POST', '/campaigns', { campaignId: 'spring-launch', goalType: 'PRODUCT_SALE', status: 'ACTIVE', primarySlug: 'spring-promo' });
    expect(created.status).toBe(201);
    expect((await api('PUT', '/links/spring-promo', { destinationUrl: 'https://shop.example.com/spring', campaignId: 'spring-launch' })).status).toBe(200);

    const health = await api<{ readiness: string; checks: Array<{ name: string; status: string; detail: string }> }>('GET', '/campaigns/spring-launch/health');
    expect(health.status).toBe(200);
    expect(health.body.readiness).toBe('READY');
    const byName = Object.fromEntries(health.body.checks.map((c) => [c.name, c.status]));
    expect(byName).toMatchObject({ tracking_preset: 'PASS', conversion_event_type: 'PASS', primary_link: 'PASS', campaign_active: 'PASS', conversion_webhook: 'WARN' });
    // Published or still being published: never a failure.
    expect(['PASS', 'WARN']).toContain(byName.primary_link_published);
    expect(health.body.checks.find((c) => c.name === 'conversion_webhook')?.detail).toContain('No enabled webhook');
    expect(health.body.checks.filter((c) => c.status === 'FAIL')).toEqual([]);
  });
});
