import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

export type DependencyState = { status: 'up' } | { status: 'down'; error: string };

/** One dependency a service needs (Kafka, PostgreSQL, ClickHouse, ...). */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
  /**
   * false for a dependency the service keeps serving without (in a reduced way): shown down in the
   * body, status `degraded`, but the answer stays 200 so the instance is not taken out of rotation.
   */
  critical?: boolean;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

const CHECK_TIMEOUT_MS = 2000;

async function probe(check: HealthCheck): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (e) {
    return { status: 'down', error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** GET /health: 200 when every critical dependency answers, 503 otherwise; the body names each one's state. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    const states = await Promise.all(this.checks.map(async (c) => [c.name, await probe(c)] as const));
    const dependencies = Object.fromEntries(states);
    const up = states.every(([, s]) => s.status === 'up');
    const serving = states.every(([, s], i) => s.status === 'up' || this.checks[i].critical === false);
    await reply.status(serving ? 200 : 503).send({ status: up ? 'ok' : 'degraded', service: this.service, dependencies });
  }
}
