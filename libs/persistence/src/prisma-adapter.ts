import { PrismaPg } from '@prisma/adapter-pg';
import { poolConfigFromUrl } from './prisma-config-url';

/** The runtime driver adapter for a generated Prisma client (no native query engine). */
export function createPrismaAdapter(databaseUrl: string, max = 10): PrismaPg {
  return new PrismaPg({ ...poolConfigFromUrl(databaseUrl), max });
}
