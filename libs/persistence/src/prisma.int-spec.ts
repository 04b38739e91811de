import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { getInfra } from '@funnel/testing';
import { createPrismaAdapter } from './prisma-adapter';
import { poolConfigFromUrl } from './prisma-config-url';
import { createThrowawayDatabase, prismaMigrateDeploy, ThrowawayDatabase } from './throwaway-database';

const SERVICE_DIR = resolve(__dirname, '../../../apps/campaign-service');

/** The slice of the campaign-service's generated client this test touches. */
interface CampaignClient {
  campaign: {
    create(args: { data: Record<string, unknown> }): Promise<unknown>;
    findUnique(args: { where: { handle_campaignId: { handle: string; campaignId: string } } }): Promise<Record<string, unknown> | null>;
  };
  $disconnect(): Promise<void>;
}
type ClientClass = new (options: { adapter: unknown }) => CampaignClient;

describe('Prisma migrations on an empty database', () => {
  let db: ThrowawayDatabase;

  beforeAll(async () => {
    const infra = await getInfra();
    db = await createThrowawayDatabase(infra.campaignDatabaseUrl, 'funnel_prisma_it');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('applies campaign-service migrations with migrate deploy, then the generated client reads and writes', async () => {
    const output = await prismaMigrateDeploy(SERVICE_DIR, 'CAMPAIGN_DATABASE_URL', db.url);
    expect(output).toMatch(/All migrations have been successfully applied|migrations? .*applied/i);

    const pg = new Client(poolConfigFromUrl(db.url));
    await pg.connect();
    try {
      const tables = await pg.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
      expect(tables.rows.map((r) => r.tablename)).toEqual(['_prisma_migrations', 'campaigns', 'events', 'links', 'outbox', 'rules', 'tokens']);
      const partial = await pg.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'outbox_unpublished_idx'");
      expect(partial.rows[0]?.indexdef).toMatch(/WHERE \(published_at IS NULL\)/);
    } finally {
      await pg.end();
    }

    // Loaded by path at run time: a library may test an app's migrations, but never compiles against its code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaClient } = require(join(SERVICE_DIR, 'src/generated/prisma/client')) as { PrismaClient: ClientClass };
    const prisma = new PrismaClient({ adapter: createPrismaAdapter(db.url, 2) });
    try {
      const at = new Date('2026-02-25T12:34:56.789Z');
      await prisma.campaign.create({
        data: {
          handle: 'acme',
          campaignId: 'spring-launch',
          name: null,
          goalType: 'PRODUCT_SALE',
          status: 'ACTIVE',
          trackingPreset: 'ga4_purchase',
          eventType: 'purchase',
          primarySlug: 'spring-promo',
          cookieDurationDays: 30,
          version: 1,
          createdAt: at,
          updatedAt: at,
        },
      });
      const row = await prisma.campaign.findUnique({ where: { handle_campaignId: { handle: 'acme', campaignId: 'spring-launch' } } });
      expect(row).toMatchObject({ campaignId: 'spring-launch', goalType: 'PRODUCT_SALE', primarySlug: 'spring-promo', version: 1, createdAt: at });
    } finally {
      await prisma.$disconnect();
    }

    // Deploy is idempotent: a second run finds nothing to apply.
    expect(await prismaMigrateDeploy(SERVICE_DIR, 'CAMPAIGN_DATABASE_URL', db.url)).toMatch(/No pending migrations/i);
  });
});
