import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import * as contracts from '@funnel/contracts';

export const DOCS_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs/openapi.json';

type Schema = Record<string, unknown>;

/** DTO classes of the contracts, by name: the shapes the gateway validates. */
function contractClasses(): Map<string, new () => object> {
  const classes = new Map<string, new () => object>();
  for (const [name, value] of Object.entries(contracts)) {
    if (typeof value === 'function' && /^[A-Z]/.test(name)) classes.set(name, value as new () => object);
  }
  return classes;
}

/**
 * JSON Schema of a DTO from its class-validator decorators. The contracts stay free of
 * framework decorators, so the OpenAPI document reads the same rules the validation pipe applies.
 */
export function schemaOf(dto: new () => object, nested: (target: new () => object) => string): Schema {
  const metas: ValidationMetadata[] = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const properties: Record<string, Schema> = {};
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const m of metas) {
    const p = (properties[m.propertyName] ??= {});
    const item: Schema = m.each ? ((p.items as Schema | undefined) ?? (p.items = {}) as Schema) : p;
    const [c0, c1] = (m.constraints ?? []) as unknown[];
    const setType = (type: string) => void (item.type = type);
    switch (m.name ?? m.type) {
      case 'isString': setType('string'); break;
      case 'isInt': setType('integer'); break;
      case 'isNumber': setType('number'); break;
      case 'isBoolean': setType('boolean'); break;
      case 'isDateString': setType('string'); item.format = 'date-time'; break;
      case 'isUrl': setType('string'); item.format = 'uri'; break;
      case 'isUuid': setType('string'); item.format = 'uuid'; break;
      case 'isObject': setType('object'); break;
      case 'isArray': p.type = 'array'; p.items ??= {}; break;
      case 'isIn': item.enum = c0 as unknown[]; break;
      case 'matches': setType('string'); item.pattern = (c0 as RegExp).source; break;
      case 'maxLength': item.maxLength = c0; break;
      case 'minLength': item.minLength = c0; break;
      case 'length': item.minLength = c0; item.maxLength = c1; break;
      case 'min': item.minimum = c0; break;
      case 'max': item.maximum = c0; break;
      case 'arrayMaxSize': p.type = 'array'; p.maxItems = c0; break;
      case 'arrayMinSize': p.type = 'array'; p.minItems = c0; break;
      case 'arrayUnique': p.type = 'array'; p.uniqueItems = true; break;
      default:
        if (m.type === 'conditionalValidation') optional.add(m.propertyName);
        else if (m.type === 'nestedValidation') {
          const target = Reflect.getMetadata('design:type', dto.prototype, m.propertyName) as unknown;
          const typed = nestedTypeOf(dto, m.propertyName) ?? (typeof target === 'function' && target !== Object ? (target as new () => object) : undefined);
          if (typed) Object.assign(p, { $ref: `#/components/schemas/${nested(typed)}` });
        }
    }
    required.add(m.propertyName);
  }
  for (const name of optional) required.delete(name);
  return { type: 'object', properties, ...(required.size ? { required: [...required] } : {}), additionalProperties: false };
}

/** The class named by class-transformer's @Type(() => X), which class-validator does not record. */
function nestedTypeOf(dto: new () => object, property: string): (new () => object) | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- internal storage has no public export
  const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
    defaultMetadataStorage: { findTypeMetadata(target: unknown, property: string): { typeFunction: () => unknown } | undefined };
  };
  const meta = defaultMetadataStorage.findTypeMetadata(dto, property);
  const type = meta?.typeFunction();
  return typeof type === 'function' ? (type as new () => object) : undefined;
}

/** Fills the empty component schemas @nestjs/swagger emits for undecorated DTOs. */
export function fillSchemas(document: OpenAPIObject): OpenAPIObject {
  const classes = contractClasses();
  const schemas = (document.components ??= {}).schemas ??= {};
  const pending = Object.keys(schemas).filter((name) => classes.has(name));
  const nested = (target: new () => object): string => {
    if (!(target.name in schemas) || !pending.includes(target.name)) {
      schemas[target.name] = {};
      pending.push(target.name);
    }
    return target.name;
  };
  for (let i = 0; i < pending.length; i++) {
    const dto = classes.get(pending[i]) ?? null;
    if (dto) schemas[pending[i]] = schemaOf(dto, nested) as never;
  }
  return document;
}

type Controller = new (...args: never[]) => object;

/** The contract DTO a handler takes whole with `@Query()`, if any. */
function queryDtoOf(controller: Controller, method: string): (new () => object) | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number; data?: unknown }>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as unknown[];
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY || arg.data !== undefined) continue;
    const type = types[arg.index];
    if (typeof type === 'function' && contractClasses().get(type.name) === type) return type as new () => object;
  }
  return undefined;
}

/**
 * Query parameters of the routes that take a contract DTO with `@Query()`, read from the same
 * class-validator rules the pipe applies (@nestjs/swagger sees none: the contracts carry no
 * swagger decorators). Operations are matched by the operationId swagger gives them
 * (`<Controller>_<method>`, `[i]` appended for a handler with several paths).
 */
export function fillQueryParameters(document: OpenAPIObject, controllers: readonly Controller[]): OpenAPIObject {
  const byName = new Map(controllers.map((c) => [c.name, c]));
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item) as Array<{ operationId?: string; parameters?: unknown[] }>) {
      const match = /^([A-Za-z0-9]+)_([A-Za-z0-9]+)(?:\[\d+\])?$/.exec(operation?.operationId ?? '');
      const controller = match ? byName.get(match[1]) : undefined;
      const dto = controller && match ? queryDtoOf(controller, match[2]) : undefined;
      if (!dto) continue;
      const schema = schemaOf(dto, (t) => t.name) as { properties: Record<string, Schema>; required?: string[] };
      const parameters = Object.entries(schema.properties).map(([name, property]) => ({
        name,
        in: 'query',
        required: schema.required?.includes(name) ?? false,
        schema: property,
      }));
      operation.parameters = [...(operation.parameters ?? []), ...parameters];
    }
  }
  return document;
}

/** Every controller class of the application. */
function controllersOf(app: INestApplication): Controller[] {
  const controllers: Controller[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) if (typeof wrapper.metatype === 'function') controllers.push(wrapper.metatype as Controller);
  }
  return controllers;
}

/** OpenAPI from the controllers, served at /docs (UI) and /docs/openapi.json. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Funnel API')
    .setDescription(
      'Campaigns, links, personalization rules, conversions and analytics. `/v2/handles/{handle}/...` routes take a JWT; ' +
        '`/v2/public/handles/{handle}/...` routes take a personal access token (fnl_pat_...) with the scope the route names. ' +
        'Every error is `{ success: false, error, message, fields?, details?, meta: { timestamp, requestId } }`.',
    )
    .setVersion('2')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or fnl_pat_...' })
    .addSecurityRequirements('bearer')
    .build();
  const document = fillQueryParameters(fillSchemas(SwaggerModule.createDocument(app, config)), controllersOf(app));
  // Nest's own UI needs @fastify/static; the UI page below serves swagger-ui's files directly instead.
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, raw: ['json'], ui: false });
  serveSwaggerUi(app.getHttpAdapter().getInstance() as FastifyInstance);
  return document;
}

const UI_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const UI_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Funnel API</title><link rel="stylesheet" href="/${DOCS_PATH}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="/${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/${OPENAPI_JSON_PATH}', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;

/** GET /docs: the swagger-ui page, its three asset files read once from swagger-ui-dist. */
function serveSwaggerUi(fastify: FastifyInstance): void {
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets = new Map(Object.entries(UI_ASSETS).map(([file, type]) => [file, { type, body: readFileSync(join(dir, file)) }]));
  fastify.get(`/${DOCS_PATH}`, (_request, reply) => void reply.type('text/html; charset=utf-8').send(UI_PAGE));
  fastify.get(`/${DOCS_PATH}/:asset`, (request, reply) => {
    const asset = assets.get((request.params as { asset: string }).asset);
    if (!asset) return void reply.code(404).type('application/json').send({ success: false, error: 'not_found', message: 'Resource not found', meta: { timestamp: new Date().toISOString(), requestId: request.requestId } });
    void reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(asset.body);
  });
}
