import { Module } from '@nestjs/common';
import { FunnelController } from './funnel.controller';
import { FunnelRepository } from './funnel.repository';
import { GetFunnel } from './use-cases/get-funnel';

/** Funnel analytics answered from the materialized views. */
@Module({
  controllers: [FunnelController],
  providers: [FunnelRepository, { provide: GetFunnel, inject: [FunnelRepository], useFactory: (repository: FunnelRepository) => new GetFunnel(repository) }],
  exports: [GetFunnel],
})
export class FunnelModule {}
