import { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { EventConsumer } from './consumer';

/**
 * A Nest provider owning one EventConsumer: the subclass builds it in its constructor; it starts
 * once the application has booted (every provider it uses is ready) and stops when the module is
 * destroyed, before anything it writes to is closed.
 */
export abstract class HostedConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly consumer: EventConsumer;

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }
}
