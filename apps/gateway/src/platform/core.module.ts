import { DynamicModule, Global, Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { rpcClientTransport } from '@funnel/kafka';
import { AuthGuard } from '../auth/jwt-auth.guard';
import { GATEWAY_ENV, GatewayOptions, RPC_TOPIC_PREFIX } from './gateway.options';
import { KAFKA_RPC_CLIENT, RpcClient } from './rpc/rpc.client';

/** What every feature module needs: the validated env, the guard and the RPC client (one Kafka connection). */
@Global()
@Module({})
export class CoreModule {
  static register(options: GatewayOptions): DynamicModule {
    const { env, rpcGroupId = 'gateway', rpcTopicPrefix = '' } = options;
    return {
      module: CoreModule,
      imports: [ClientsModule.register([{ name: KAFKA_RPC_CLIENT, ...rpcClientTransport(env, 'gateway', rpcGroupId) }])],
      providers: [{ provide: GATEWAY_ENV, useValue: env }, { provide: RPC_TOPIC_PREFIX, useValue: rpcTopicPrefix }, RpcClient, AuthGuard],
      exports: [GATEWAY_ENV, RpcClient, AuthGuard],
    };
  }
}
