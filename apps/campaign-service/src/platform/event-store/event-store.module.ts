import { Global, Module } from '@nestjs/common';
import { EventStore } from './event-store';
import { OutboxRelayService } from './outbox-relay.service';
import { PrismaService } from './prisma.service';

@Global()
@Module({
  providers: [PrismaService, OutboxRelayService, EventStore],
  exports: [PrismaService, OutboxRelayService, EventStore],
})
export class EventStoreModule {}
