import { kafkaConnectionOptions } from './kafka';
import { rpcTransport } from './rpc-transport';

describe('kafkaConnectionOptions', () => {
  it('is brokers only for the local plaintext stack', () => {
    expect(kafkaConnectionOptions({ KAFKA_BROKERS: 'a:9092, b:9092' })).toEqual({ brokers: ['a:9092', 'b:9092'] });
    expect(kafkaConnectionOptions({ KAFKA_BROKERS: 'a:9092', KAFKA_SASL_MECHANISM: '', KAFKA_SSL: false })).toEqual({ brokers: ['a:9092'] });
  });

  it('carries SCRAM credentials and TLS when configured', () => {
    const options = kafkaConnectionOptions({
      KAFKA_BROKERS: 'k:9093',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'funnel',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_SSL: true,
    });
    expect(options).toEqual({ brokers: ['k:9093'], sasl: { mechanism: 'scram-sha-256', username: 'funnel', password: 'pw' }, ssl: true });
  });

  it('refuses a mechanism without credentials rather than connecting anonymously', () => {
    expect(() => kafkaConnectionOptions({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'funnel' })).toThrow(
      /KAFKA_SASL_PASSWORD/,
    );
  });

  it('gives the RPC transport the same connection', () => {
    const connection = { KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' } as const;
    expect(rpcTransport(connection, 'svc', 'svc').options?.client).toMatchObject(kafkaConnectionOptions(connection));
  });
});
