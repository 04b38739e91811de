import 'reflect-metadata';
import { ConsoleLogger, INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { MicroserviceOptions } from '@nestjs/microservices';
import { fastifyTrustProxy, parseTrustedProxies } from '@funnel/config';

const LEVELS: Record<string, LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  log: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Structured JSON logs, one object per line, tagged with the service name. */
export function jsonLogger(service: string, level = process.env.LOG_LEVEL ?? 'log'): ConsoleLogger {
  return new ConsoleLogger(service, { json: true, logLevels: LEVELS[level] ?? LEVELS.log, colors: false });
}

export interface BootstrapOptions {
  service: string;
  module: Type<unknown>;
  port: number;
  host?: string;
  /** Kafka request-reply server (gateway → this service), when the service answers RPCs. */
  rpc?: MicroserviceOptions;
  /** TRUSTED_PROXIES (libs/config): whose X-Forwarded-For gives `request.ip`; none when absent. */
  trustedProxies?: string;
  /** Extra configuration of the Fastify app before it listens. */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * Boots a service: Fastify HTTP (for /health and, where it has one, its API), optional Kafka
 * RPC server, JSON logs, and graceful shutdown on SIGTERM/SIGINT (Nest runs each provider's
 * onModuleDestroy / beforeApplicationShutdown, which flush producers and stop consumers).
 */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication> {
  const logger = jsonLogger(options.service);
  // No service uses Express-style middleware, so @fastify/middie (an onRequest hook on every
  // request, the redirect's included) is not registered.
  const trustProxy = fastifyTrustProxy(parseTrustedProxies(options.trustedProxies ?? ''));
  const app = await NestFactory.create<NestFastifyApplication>(options.module, new FastifyAdapter({ trustProxy, skipMiddie: true }), {
    logger,
    bufferLogs: true,
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  if (options.configure) await options.configure(app);
  if (options.rpc) {
    app.connectMicroservice<MicroserviceOptions>(options.rpc, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  await app.listen(options.port, host);
  logger.log(`${options.service} listening on http://${host}:${options.port}`);
  return app;
}

/** Runs `main`, logging a failed boot (e.g. a bad environment variable) and exiting non-zero. */
export function runMain(service: string, main: () => Promise<unknown>): void {
  main().catch((e: Error) => {
    jsonLogger(service).fatal(`failed to start: ${e.message}`);
    process.exit(1);
  });
}
