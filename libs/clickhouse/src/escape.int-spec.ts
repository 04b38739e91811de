import { getInfra, uniqueId } from '@funnel/testing';
import { ClickHouse, ClickHouseServerError, createClickHouse, toNumber } from './client';
import { identifier, joinSql, literal, sql } from './escape';

/**
 * literal() against the real ClickHouse 18.16: hostile strings come back byte for byte, and a
 * query built from them keeps its shape.
 */
const CONTROL = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
const HOSTILE: string[] = [
  "it's",
  "''",
  "'",
  '\\',
  'ends with a backslash \\',
  "\\'",
  "\\\\'",
  "'; DROP TABLE x; --",
  "x' OR '1'='1",
  "') OR 1 = 1 --",
  'line one\nline two\r\nline three',
  'tab\there',
  'nul\0byte',
  '\0',
  CONTROL,
  '\x7f del',
  '\\x41 is not A, \\n is not a newline, \\0 is not NUL',
  '"double" `back` $dollar ${tpl} {name:String} ? $1 %s',
  '🎉 emoji 👩‍👩‍👧 and 日本語 and عربى and é (e + ́ combining: é)',
  '\u2028\u2029 line separators',
  '-- a comment',
  '/* block */ comment',
  ';',
  '',
  ' leading and trailing spaces ',
  'x'.repeat(10000),
];

const hexOf = (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase();

describe('literal() against ClickHouse', () => {
  let ch: ClickHouse;
  let database: string;

  beforeAll(async () => {
    const infra = await getInfra();
    database = uniqueId('chtest_escape_');
    ch = createClickHouse({ url: infra.clickhouseUrl, database });
    await ch.ensureDatabase();
    await ch.command(sql`CREATE TABLE ${identifier('strings')} (id UInt32, via String, name String) ENGINE = MergeTree() ORDER BY id`);
    await ch.command(sql`CREATE TABLE ${identifier('victim')} (name String) ENGINE = MergeTree() ORDER BY name`);
    await ch.command(sql`INSERT INTO ${identifier('victim')} VALUES (${'a'}), (${'b'})`);
  });

  afterAll(async () => {
    await ch?.command(sql`DROP DATABASE IF EXISTS ${identifier(database)}`);
    await ch?.close();
  });

  it.each(HOSTILE.map((s) => [JSON.stringify(s).slice(0, 48), s] as const))('round-trips %s through SELECT', async (_label, s) => {
    const [row] = await ch.query<{ v: string; h: string; n: string | number }>(sql`SELECT ${s} AS v, hex(${s}) AS h, length(${s}) AS n`);
    expect(row.v).toBe(s);
    expect(row.h).toBe(hexOf(s));
    expect(toNumber(row.n)).toBe(Buffer.byteLength(s, 'utf8'));
  });

  it('round-trips every hostile string through INSERT ... VALUES and JSONEachRow inserts', async () => {
    const values = HOSTILE.map((s, i) => sql`(${i}, ${'values'}, ${s})`);
    await ch.command(sql`INSERT INTO ${identifier('strings')} VALUES ${joinSql(values, ', ')}`);
    await ch.insert('strings', HOSTILE.map((name, id) => ({ id, via: 'json', name })));
    const rows = await ch.query<{ id: number; via: string; name: string; h: string }>(
      sql`SELECT id, via, name, hex(name) AS h FROM ${identifier('strings')} ORDER BY id, via`,
    );
    expect(rows).toHaveLength(HOSTILE.length * 2);
    for (const row of rows) {
      expect(row.name).toBe(HOSTILE[row.id]);
      expect(row.h).toBe(hexOf(HOSTILE[row.id]));
    }
  });

  it('matches each hostile string exactly and never changes the shape of the query', async () => {
    for (const s of HOSTILE) {
      const [hits] = await ch.query<{ n: string }>(sql`SELECT count() AS n FROM ${identifier('strings')} WHERE name = ${s}`);
      // Two copies were inserted (VALUES and JSON); a duplicate in HOSTILE would show up as more.
      expect({ s, n: toNumber(hits.n) }).toEqual({ s, n: 2 * HOSTILE.filter((h) => h === s).length });
      const [none] = await ch.query<{ n: string }>(sql`SELECT count() AS n FROM ${identifier('victim')} WHERE name = ${s}`);
      expect({ s, n: toNumber(none.n) }).toEqual({ s, n: 0 });
    }
    const [exists] = await ch.query<{ e: string }>(sql`SELECT count() AS e FROM system.tables WHERE database = ${database} AND name = ${'victim'}`);
    expect(toNumber(exists.e)).toBe(1);
    const [left] = await ch.query<{ n: string }>(sql`SELECT count() AS n FROM ${identifier('victim')}`);
    expect(toNumber(left.n)).toBe(2);
  });

  it('writes numbers, booleans, null and dates the server reads back', async () => {
    const when = new Date('2026-02-25T12:34:56.789Z');
    const [row] = await ch.query<Record<string, unknown>>(
      sql`SELECT ${-7} - ${-3} AS diff, ${1.25} AS f, ${true} AS t, isNull(${null}) AS n,
                 toUnixTimestamp(${when}) AS ts, ${9007199254740993n} AS big`,
    );
    expect(row.diff).toBe(-4);
    expect(row.f).toBe(1.25);
    expect(row.t).toBe(1);
    expect(row.n).toBe(1);
    expect(row.ts).toBe(Math.floor(when.getTime() / 1000));
    expect(row.big).toBe('9007199254740993');
  });

  it('reports server errors with their code', async () => {
    await expect(ch.query(sql`SELECT * FROM ${identifier('no_such_table')}`)).rejects.toMatchObject({
      name: 'ClickHouseServerError',
      code: 60,
    });
    const error = await ch.query(sql`SELEC 1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClickHouseServerError);
    expect((error as ClickHouseServerError).code).toBe(62);
    expect((error as Error).message).not.toContain('e.what()');
  });

  it('answers the health check, and a missing database fails it', async () => {
    await expect(ch.ping()).resolves.toBeUndefined();
    const missing = ch.withDatabase(uniqueId('chtest_missing_'));
    try {
      await expect(missing.ping()).rejects.toMatchObject({ code: 81 });
    } finally {
      await missing.close();
    }
  });

  it('keeps literal() and the JSON formats in agreement', async () => {
    const s = HOSTILE[14];
    const result = await ch.raw.query({ query: `SELECT ${literal(s)} AS v`, format: 'JSON' });
    const json = await result.json<{ v: string }>();
    expect(json.data[0].v).toBe(s);
  });
});
