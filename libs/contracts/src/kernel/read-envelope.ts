import {
  getFromContainer,
  getMetadataStorage,
  isDateString,
  isInt,
  isNotEmpty,
  isObject,
  isString,
  isUUID,
  min,
  validateSync,
  ValidationTypes,
  ValidatorConstraintInterface,
} from 'class-validator';
import { Envelope, eventBatchError, parseEnvelope, parseEnvelopes, ParseBatchResult, ParseResult, PayloadClass } from './envelope';

type Expected<T> = { type: string; version: number; payload: PayloadClass<T> };

interface CompiledPayload {
  /** The decorated properties: validateSync's whitelist strips every other one. */
  properties: string[];
  isValid(object: Record<string, unknown>): boolean;
}

/**
 * A yes/no check built once from a class's own class-validator metadata: for each property, its
 * conditions (IsOptional, ValidateIf) and then each constraint's `validate`, as validateSync runs
 * them, without building error objects. Null when the class uses anything else (nested or `each`
 * validation, groups, async constraints); validateSync is used for those.
 */
export function compilePayloadClass(cls: PayloadClass<object>): CompiledPayload | null {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(cls, '', true, false);
  if (metadatas.length === 0) return null;
  type Rules = { conditions: Array<(object: object, value: unknown) => boolean>; checks: Array<(value: unknown, object: object) => boolean> };
  const properties = new Map<string, Rules>();
  for (const m of metadatas) {
    if (m.each || (m.groups && m.groups.length > 0)) return null;
    let rules = properties.get(m.propertyName);
    if (!rules) properties.set(m.propertyName, (rules = { conditions: [], checks: [] }));
    if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      rules.conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
      continue;
    }
    if (m.type !== ValidationTypes.CUSTOM_VALIDATION || !m.constraintCls) return null;
    if (storage.getTargetValidatorConstraints(m.constraintCls).some((c) => c.async)) return null;
    const constraint = getFromContainer<ValidatorConstraintInterface>(m.constraintCls as new () => ValidatorConstraintInterface);
    const { propertyName, constraints } = m;
    rules.checks.push(
      (value, object) => constraint.validate(value, { targetName: cls.name, property: propertyName, object, value, constraints }) === true,
    );
  }
  const compiled = [...properties.entries()];
  return {
    properties: [...properties.keys()],
    isValid: (object) => {
      for (const [property, rules] of compiled) {
        const value = object[property];
        if (!rules.conditions.every((condition) => condition(object, value))) continue;
        for (const check of rules.checks) if (!check(value, object)) return false;
      }
      return true;
    },
  };
}

const compiledClasses = new Map<PayloadClass<object>, CompiledPayload | null>();

/** The payload as an instance of its class with only its decorated properties, or null when invalid. */
function toValidPayload<T extends object>(plain: Record<string, unknown>, cls: PayloadClass<T>): T | null {
  if (!compiledClasses.has(cls)) compiledClasses.set(cls, compilePayloadClass(cls));
  const compiled = compiledClasses.get(cls);
  const payload = new cls();
  if (!compiled) {
    Object.assign(payload, plain);
    return validateSync(payload, { whitelist: true, forbidNonWhitelisted: false }).length === 0 ? payload : null;
  }
  const target = payload as Record<string, unknown>;
  for (const property of compiled.properties) if (property in plain) target[property] = plain[property];
  return compiled.isValid(target) ? payload : null;
}

const nonEmptyString = (v: unknown): v is string => isString(v) && isNotEmpty(v);

/** The rules of the envelope class behind parseEnvelope, with the same class-validator functions. */
function envelopeIsValid(json: unknown): json is Envelope<Record<string, unknown>> {
  if (!isObject(json)) return false;
  const e = json as Record<string, unknown>;
  return (
    isUUID(e.eventId) &&
    nonEmptyString(e.type) &&
    isInt(e.version) &&
    min(e.version, 1) &&
    isDateString(e.occurredAt) &&
    nonEmptyString(e.handle) &&
    nonEmptyString(e.aggregateId) &&
    isInt(e.aggregateVersion) &&
    min(e.aggregateVersion, 0) &&
    nonEmptyString(e.correlationId) &&
    (e.causationId === null || e.causationId === undefined || isString(e.causationId)) &&
    isObject(e.payload)
  );
}

/** The reference parser's verdict, never a throw: a throw would be retried, and this must be poison. */
function safely<R>(parse: () => R): R | { ok: false; error: string } {
  try {
    return parse();
  } catch (e) {
    return { ok: false, error: `not an event envelope: ${(e as Error).message}` };
  }
}

const reference = <T extends object>(raw: Buffer | string | null, expected: Expected<T>) => safely(() => parseEnvelope(raw, expected));
const referenceBatch = <T extends object>(raw: Buffer | string | null, expected: Expected<T>) => safely(() => parseEnvelopes(raw, expected));

const NOT_JSON = Symbol('not JSON');

/** The value as JSON, or NOT_JSON (the reference parser then says why). */
function jsonOf(raw: Buffer | string | null): unknown {
  if (raw === null) return NOT_JSON;
  try {
    return JSON.parse(raw.toString()) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/**
 * parseEnvelope's verdict at a fraction of its cost on the hot path. parseEnvelope copies the
 * envelope and the payload into class instances with class-transformer and builds validation
 * errors with validateSync (~250 µs a message in all), which caps one projector near 4k
 * messages/s. Here the envelope is checked with the same class-validator functions as its class,
 * and the payload, after a plain copy (all class-transformer does for these flat payloads), with
 * the event class's own decorators compiled once (the contract stays the single source of its
 * rules). Anything that fails goes through parseEnvelope itself, so a poison message gets exactly
 * its error, and parseEnvelope's verdict is the one that counts.
 */
export function readEnvelope<T extends object>(raw: Buffer | string | null, expected: Expected<T>): ParseResult<T> {
  const json = jsonOf(raw);
  return (json !== NOT_JSON && validFast(json, expected)) || reference(raw, expected);
}

/** The envelope if `json` passes the fast checks; null when parseEnvelope must give the verdict. */
function validFast<T extends object>(json: unknown, expected: Expected<T>): ParseResult<T> | null {
  if (!envelopeIsValid(json) || json.type !== expected.type || json.version !== expected.version) return null;
  const payload = toValidPayload(json.payload, expected.payload);
  if (payload === null) return null;
  // The envelope object itself, its payload replaced (no spread: it is slow on this hot path).
  const envelope = json as unknown as Envelope<T>;
  envelope.payload = payload;
  return { ok: true, envelope };
}

/**
 * readEnvelope for messages that are one envelope or an event batch (a JSON array of envelopes,
 * as the redirect edge produces clicks): parseEnvelopes' verdict, all or nothing, at the fast
 * path's cost. Anything that fails is handed to parseEnvelopes for its exact error.
 */
export function readEnvelopes<T extends object>(raw: Buffer | string | null, expected: Expected<T>): ParseBatchResult<T> {
  const json = jsonOf(raw);
  if (json === NOT_JSON) return referenceBatch(raw, expected);
  if (!Array.isArray(json)) {
    const one = validFast(json, expected);
    return one?.ok ? { ok: true, envelopes: [one.envelope] } : referenceBatch(raw, expected);
  }
  if (eventBatchError(json) !== null) return referenceBatch(raw, expected);
  const envelopes: Envelope<T>[] = new Array<Envelope<T>>(json.length);
  for (let i = 0; i < json.length; i++) {
    const one = validFast(json[i], expected);
    if (!one?.ok) return referenceBatch(raw, expected);
    envelopes[i] = one.envelope;
  }
  return { ok: true, envelopes };
}
