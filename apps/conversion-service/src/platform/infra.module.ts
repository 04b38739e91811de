import { DynamicModule, Global, Module } from '@nestjs/common';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { ClicksRepository } from '../clicks/clicks.repository';
import { ConversionsRepository } from '../conversions/conversions.repository';
import { OutboxService } from './outbox/outbox.service';
import { PgOutboxStore } from './outbox/pg-outbox.store';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { Database } from './database';
import { kafkaProvider, KAFKA, producerProvider, Producer } from './kafka.providers';
import { ConversionServiceOptions, SERVICE_OPTIONS } from './service-options';

/**
 * Connections, the outbox and every repository. Repositories depend on nothing but the database,
 * so registering them once here lets feature modules share them without importing each other.
 */
@Global()
@Module({})
export class InfraModule {
  static forRoot(options: ConversionServiceOptions): DynamicModule {
    const providers = [
      { provide: SERVICE_OPTIONS, useValue: options },
      Database,
      kafkaProvider,
      producerProvider,
      PgOutboxStore,
      OutboxService,
      ClicksRepository,
      CampaignsRepository,
      ConversionsRepository,
      WebhooksRepository,
    ];
    return {
      module: InfraModule,
      providers,
      exports: [SERVICE_OPTIONS, Database, KAFKA, Producer, PgOutboxStore, OutboxService, ClicksRepository, CampaignsRepository, ConversionsRepository, WebhooksRepository],
    };
  }
}
