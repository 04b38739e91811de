import { plainToInstance } from 'class-transformer';
import {
  IsDateString,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  validateSync,
  ValidationError,
} from 'class-validator';
import { uuidV7 } from './uuid-v7';

/** The one envelope every event travels in. */
export interface Envelope<T> {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string;
  handle: string;
  aggregateId: string;
  aggregateVersion: number;
  correlationId: string;
  causationId: string | null;
  payload: T;
}

export type PayloadClass<T> = new () => T;

export interface NewEvent<T> {
  type: string;
  version: number;
  handle: string;
  aggregateId: string;
  aggregateVersion?: number;
  correlationId?: string;
  causationId?: string | null;
  occurredAt?: Date;
  eventId?: string;
  payload: T;
}

export function newEventId(): string {
  return uuidV7();
}

export function createEnvelope<T>(event: NewEvent<T>): Envelope<T> {
  const eventId = event.eventId ?? newEventId();
  return {
    eventId,
    type: event.type,
    version: event.version,
    occurredAt: (event.occurredAt ?? new Date()).toISOString(),
    handle: event.handle,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion ?? 0,
    correlationId: event.correlationId ?? eventId,
    causationId: event.causationId ?? null,
    payload: event.payload,
  };
}

class EnvelopeShape {
  @IsUUID() eventId!: string;
  @IsString() @IsNotEmpty() type!: string;
  @IsInt() @Min(1) version!: number;
  @IsDateString() occurredAt!: string;
  @IsString() @IsNotEmpty() handle!: string;
  @IsString() @IsNotEmpty() aggregateId!: string;
  @IsInt() @Min(0) aggregateVersion!: number;
  @IsString() @IsNotEmpty() correlationId!: string;
  @IsOptional() @IsString() causationId!: string | null;
  @IsObject() payload!: Record<string, unknown>;
}

export type ParseResult<T> = { ok: true; envelope: Envelope<T> } | { ok: false; error: string };

/** Flattens class-validator errors into `path: constraint` lines. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...describeValidationErrors(e.children ?? [], path)];
  });
}

/**
 * Validates raw bytes as an envelope of the given type and payload class. Never throws:
 * a consumer turns `ok: false` into a DLQ outcome.
 */
export function parseEnvelope<T extends object>(raw: Buffer | string | null, expected: ExpectedEvent<T>): ParseResult<T> {
  const parsed = parseJson(raw);
  return parsed.ok ? validateEnvelope(parsed.json, expected) : parsed;
}

/** A message value as JSON, or why it is not. */
function parseJson(raw: Buffer | string | null): { ok: true; json: unknown } | { ok: false; error: string } {
  if (raw === null) return { ok: false, error: 'empty message value' };
  try {
    return { ok: true, json: JSON.parse(raw.toString()) as unknown };
  } catch (e) {
    return { ok: false, error: `invalid JSON: ${(e as Error).message}` };
  }
}

export type ExpectedEvent<T> = { type: string; version: number; payload: PayloadClass<T> };

/** parseEnvelope's checks on an already parsed JSON value. */
export function validateEnvelope<T extends object>(json: unknown, expected: ExpectedEvent<T>): ParseResult<T> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: 'message value is not a JSON object' };
  const envelope = plainToInstance(EnvelopeShape, json);
  const envErrors = validateSync(envelope);
  if (envErrors.length) return { ok: false, error: describeValidationErrors(envErrors).join('; ') };
  if (envelope.type !== expected.type || envelope.version !== expected.version) {
    return { ok: false, error: `unexpected event ${envelope.type} v${envelope.version}, wanted ${expected.type} v${expected.version}` };
  }
  const payload = plainToInstance(expected.payload, envelope.payload);
  const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: false });
  if (errors.length) return { ok: false, error: describeValidationErrors(errors, 'payload').join('; ') };
  return { ok: true, envelope: { ...(envelope as unknown as Envelope<T>), payload } };
}

/**
 * Most envelopes one batch message may carry. A click batch of this many envelopes (each at most
 * ~4 KiB with its longest user agent and referrer) stays well under Kafka's 1 MiB message limit.
 */
export const MAX_BATCHED_EVENTS = 200;

/**
 * The value of a message carrying several events of one key: a JSON array of envelopes. The
 * redirect edge produces clicks this way (one Kafka record per campaign and flush, not per
 * click), which divides the producer's, the broker's and every consumer's per-record cost by the
 * batch size. Each envelope keeps its own eventId, so deduplication is per event as before.
 */
export function encodeEventBatch(envelopes: readonly Envelope<unknown>[]): string {
  if (envelopes.length === 0 || envelopes.length > MAX_BATCHED_EVENTS) {
    throw new RangeError(`an event batch holds 1..${MAX_BATCHED_EVENTS} envelopes, not ${envelopes.length}`);
  }
  return JSON.stringify(envelopes);
}

export type ParseBatchResult<T> = { ok: true; envelopes: Envelope<T>[] } | { ok: false; error: string };

/**
 * A message that is one envelope (as every topic carries) or a batch (encodeEventBatch), each
 * envelope validated like parseEnvelope. All or nothing: one invalid envelope makes the whole
 * message poison (its error names the index), so a batch goes to the DLQ intact. Never throws.
 */
export function parseEnvelopes<T extends object>(raw: Buffer | string | null, expected: ExpectedEvent<T>): ParseBatchResult<T> {
  const parsed = parseJson(raw);
  if (!parsed.ok) return parsed;
  const json = parsed.json;
  if (!Array.isArray(json)) {
    const one = validateEnvelope(json, expected);
    return one.ok ? { ok: true, envelopes: [one.envelope] } : one;
  }
  const batchError = eventBatchError(json);
  if (batchError) return { ok: false, error: batchError };
  const envelopes: Envelope<T>[] = [];
  for (let i = 0; i < json.length; i++) {
    const one = validateEnvelope(json[i], expected);
    if (!one.ok) return { ok: false, error: `[${i}]: ${one.error}` };
    envelopes.push(one.envelope);
  }
  return { ok: true, envelopes };
}

/** Why a parsed JSON array cannot be an event batch; null when its size is right. */
export function eventBatchError(json: unknown[]): string | null {
  if (json.length === 0) return 'empty event batch';
  if (json.length > MAX_BATCHED_EVENTS) return `event batch of ${json.length} envelopes (at most ${MAX_BATCHED_EVENTS})`;
  return null;
}

/** Peeks at the type and version of a raw envelope without validating it. */
export function peekEventType(raw: Buffer | string | null): { type: string; version: number } | null {
  if (raw === null) return null;
  try {
    const json = JSON.parse(raw.toString()) as { type?: unknown; version?: unknown };
    return typeof json.type === 'string' && typeof json.version === 'number' ? { type: json.type, version: json.version } : null;
  } catch {
    return null;
  }
}

