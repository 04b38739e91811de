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
import { v7 as uuidv7 } from 'uuid';

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
  return uuidv7();
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
export function parseEnvelope<T extends object>(
  raw: Buffer | string | null,
  expected: { type: string; version: number; payload: PayloadClass<T> },
): ParseResult<T> {
  if (raw === null) return { ok: false, error: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch (e) {
    return { ok: false, error: `invalid JSON: ${(e as Error).message}` };
  }
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

