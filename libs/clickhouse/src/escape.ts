/**
 * The one way values reach ClickHouse SQL. ClickHouse 18.16 has no query parameters, so every
 * value is written as a literal by `literal()`, every name by `identifier()`, and statements are
 * assembled with the `sql` tag, which escapes each interpolation unless it is already a fragment.
 */

export type SqlValue = string | number | bigint | boolean | Date | null;

/** A piece of SQL whose text is safe by construction (built by `sql`, `identifier` or `trustedSql`). */
export class Sql {
  /** Use `sql`, `identifier` or `trustedSql`; the constructor is not meant to be called with user input. */
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

const NAMED_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};

// Backslash, quote and every C0 control character; nothing else is special inside '...'.
const NEEDS_ESCAPE = /[\\'\u0000-\u001f]/g;

function escapeChar(ch: string): string {
  return NAMED_ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** DateTime holds whole seconds from 1970-01-01 to 2105-12-31 (UInt32); outside that it silently wraps. */
const MIN_DATETIME_MS = 0;
const MAX_DATETIME_MS = 4294967295 * 1000;

/**
 * A value as a ClickHouse literal:
 * - strings single-quoted, with `\`, `'`, \n \r \t \0 \b \f backslash-escaped and any other byte < 0x20 as `\xHH`;
 * - numbers must be finite (NaN/Infinity throw); negative numbers are parenthesised so `a -${n}` can never
 *   become a `--` comment;
 * - bigints as integers (Kafka offsets);
 * - booleans as 1/0; null as NULL;
 * - Dates as `toDateTime('YYYY-MM-DD hh:mm:ss', 'UTC')` (whole seconds, UTC whatever the server's time zone).
 */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return `'${value.replace(NEEDS_ESCAPE, escapeChar)}'`;
    case 'number': {
      if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a ClickHouse literal`);
      const text = String(Object.is(value, -0) ? 0 : value);
      return value < 0 ? `(${text})` : text;
    }
    case 'bigint':
      return value < 0n ? `(${value.toString()})` : value.toString();
    case 'boolean':
      return value ? '1' : '0';
    case 'object':
      if (value instanceof Date) return dateTimeLiteral(value);
      break;
  }
  throw new TypeError(`cannot write a value of type ${typeof value} as a ClickHouse literal`);
}

function dateTimeLiteral(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new TypeError('cannot write an invalid Date as a ClickHouse literal');
  if (ms < MIN_DATETIME_MS || ms > MAX_DATETIME_MS) throw new RangeError(`${date.toISOString()} is outside the DateTime range`);
  const text =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `toDateTime('${text}', 'UTC')`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A database, table or column name, backquoted. Each part must match /^[A-Za-z_][A-Za-z0-9_]*$/;
 * several parts make a qualified name (`identifier('funnel', 'clicks')` → `funnel`.`clicks`).
 */
export function identifier(...parts: string[]): Sql {
  if (parts.length === 0) throw new TypeError('identifier() needs at least one name');
  for (const part of parts) {
    if (typeof part !== 'string' || !IDENTIFIER.test(part)) throw new TypeError(`invalid ClickHouse identifier: ${JSON.stringify(part)}`);
  }
  return new Sql(parts.map((p) => `\`${p}\``).join('.'));
}

export type SqlInterpolation = SqlValue | Sql | readonly SqlValue[];

function interpolate(value: SqlInterpolation): string {
  if (value instanceof Sql) return value.text;
  if (Array.isArray(value)) {
    // `IN (${list})`: an empty list would be a syntax error, so callers must handle that case first.
    if (value.length === 0) throw new TypeError('cannot interpolate an empty list into SQL');
    return value.map((v: SqlValue) => literal(v)).join(', ');
  }
  return literal(value as SqlValue);
}

/**
 * Tagged template for statements: every `${value}` becomes `literal(value)`, arrays become a
 * comma-separated list of literals, and `Sql` fragments (from `sql`, `identifier`) are spliced as they are.
 *
 *     sql`SELECT count() FROM ${identifier('clicks')} WHERE handle = ${handle} AND source IN (${sources})`
 */
export function sql(strings: TemplateStringsArray, ...values: SqlInterpolation[]): Sql {
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += interpolate(values[i]) + strings[i + 1];
  return new Sql(text);
}

/** Joins fragments with a separator, e.g. optional WHERE conditions with ' AND '. */
export function joinSql(fragments: readonly Sql[], separator: ', ' | ' AND ' | ' OR '): Sql {
  return new Sql(fragments.map((f) => f.text).join(separator));
}

/**
 * SQL text taken as it is: ONLY for statements that come from the project itself (the migration
 * files). Never pass anything that contains input.
 */
export function trustedSql(text: string): Sql {
  return new Sql(text);
}
