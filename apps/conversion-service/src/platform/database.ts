import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createPrismaAdapter } from '@funnel/persistence';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { ConversionServiceOptions, SERVICE_OPTIONS } from './service-options';

export type Tx = Prisma.TransactionClient;

/** The service's own PostgreSQL database (funnel_conversion). */
@Injectable()
export class Database extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(SERVICE_OPTIONS) options: ConversionServiceOptions) {
    super({ adapter: createPrismaAdapter(options.env.CONVERSION_DATABASE_URL) });
  }

  /** Interactive transaction with limits generous enough for lock waits on a hot order id. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.$transaction(work, { maxWait: 10000, timeout: 20000 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
