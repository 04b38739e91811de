// The Prisma CLI loads this file with its own loader, which does not know the @funnel/* aliases.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { defineServicePrismaConfig } from '../../libs/persistence/src/prisma-config';

export default defineServicePrismaConfig({
  urlEnv: 'CAMPAIGN_DATABASE_URL',
  defaultUrl: 'postgresql://postgres@127.0.0.1:5432/funnel_campaign',
  schema: 'prisma/schema.prisma',
  migrations: 'prisma/migrations',
});
