import { Module } from '@nestjs/common';
import { RpcClient } from '../rpc/rpc.client';
import { AnalyticsController } from './analytics.controller';
import { GetFunnel } from './use-cases/get-funnel';

@Module({
  controllers: [AnalyticsController],
  providers: [{ provide: GetFunnel, inject: [RpcClient], useFactory: (rpc: RpcClient) => new GetFunnel(rpc) }],
})
export class AnalyticsModule {}
