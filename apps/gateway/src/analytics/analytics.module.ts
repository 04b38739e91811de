import { Module } from '@nestjs/common';
import { RpcClient } from '../platform/rpc/rpc.client';
import { AnalyticsController } from './analytics.controller';
import { GetFunnel } from './use-cases/get-funnel';
import { QueryAnalytics } from './use-cases/query-analytics';

@Module({
  controllers: [AnalyticsController],
  providers: [
    { provide: GetFunnel, inject: [RpcClient], useFactory: (rpc: RpcClient) => new GetFunnel(rpc) },
    { provide: QueryAnalytics, inject: [RpcClient, GetFunnel], useFactory: (rpc: RpcClient, getFunnel: GetFunnel) => new QueryAnalytics(rpc, getFunnel) },
  ],
})
export class AnalyticsModule {}
