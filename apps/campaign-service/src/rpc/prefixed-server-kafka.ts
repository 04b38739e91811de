import { MessageHandler, ServerKafka } from '@nestjs/microservices';
import type { KafkaOptions } from '@nestjs/microservices';

/**
 * The Kafka RPC server with every pattern (= request topic) prefixed. Production uses no prefix;
 * an in-process test gives the service and its gateway one of their own, so services of a stack
 * sharing the broker neither answer the test's requests nor see them.
 */
export class PrefixedServerKafka extends ServerKafka {
  constructor(
    private readonly prefix: string,
    options: Required<KafkaOptions>['options'],
  ) {
    super(options);
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    super.addHandler(typeof pattern === 'string' ? `${this.prefix}${pattern}` : pattern, callback, isEventHandler, extras);
  }
}
