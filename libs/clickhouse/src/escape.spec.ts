import { identifier, joinSql, literal, sql, Sql, trustedSql } from './escape';

describe('literal', () => {
  it('quotes strings and escapes backslash, quote and control characters', () => {
    expect(literal('plain')).toBe("'plain'");
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal('a\\b')).toBe("'a\\\\b'");
    expect(literal('ends with \\')).toBe("'ends with \\\\'");
    expect(literal("\\'")).toBe("'\\\\\\''");
    expect(literal('\n\r\t\0\b\f')).toBe("'\\n\\r\\t\\0\\b\\f'");
    expect(literal('\x01\x1b\x1f')).toBe("'\\x01\\x1b\\x1f'");
    expect(literal("'; DROP TABLE x; --")).toBe("'\\'; DROP TABLE x; --'");
  });

  it('leaves printable and non-ASCII characters alone', () => {
    expect(literal('héllo 日本 🎉 \x7f " ` $ {}')).toBe("'héllo 日本 🎉 \x7f \" ` $ {}'");
    expect(literal('')).toBe("''");
  });

  it('never lets an unescaped quote through, whatever the input', () => {
    const samples = ["'", "\\'", "\\\\'", "''", "a'b'c", "\\", "\\\\", "x\\"];
    for (const s of samples) {
      const body = literal(s).slice(1, -1);
      // Every quote inside the body is preceded by an odd number of backslashes.
      for (let i = 0; i < body.length; i++) {
        if (body[i] !== "'") continue;
        let n = 0;
        for (let j = i - 1; j >= 0 && body[j] === '\\'; j--) n++;
        expect(n % 2).toBe(1);
      }
      // And the body never ends in an escaping backslash.
      let trailing = 0;
      for (let j = body.length - 1; j >= 0 && body[j] === '\\'; j--) trailing++;
      expect(trailing % 2).toBe(0);
    }
  });

  it('writes finite numbers and refuses the rest', () => {
    expect(literal(42)).toBe('42');
    expect(literal(1.5)).toBe('1.5');
    expect(literal(0)).toBe('0');
    expect(literal(-0)).toBe('0');
    expect(literal(-7)).toBe('(-7)');
    expect(literal(1e21)).toBe('1e+21');
    expect(() => literal(NaN)).toThrow(TypeError);
    expect(() => literal(Infinity)).toThrow(TypeError);
    expect(() => literal(-Infinity)).toThrow(TypeError);
  });

  it('writes bigints, booleans and null', () => {
    expect(literal(9007199254740993n)).toBe('9007199254740993');
    expect(literal(-1n)).toBe('(-1)');
    expect(literal(true)).toBe('1');
    expect(literal(false)).toBe('0');
    expect(literal(null)).toBe('NULL');
  });

  it('writes Dates as UTC DateTime, whole seconds', () => {
    expect(literal(new Date('2026-02-25T12:34:56.789Z'))).toBe("toDateTime('2026-02-25 12:34:56', 'UTC')");
    expect(literal(new Date(0))).toBe("toDateTime('1970-01-01 00:00:00', 'UTC')");
    expect(() => literal(new Date('nope'))).toThrow(TypeError);
    expect(() => literal(new Date('1969-12-31T23:59:59Z'))).toThrow(RangeError);
    expect(() => literal(new Date('2200-01-01T00:00:00Z'))).toThrow(RangeError);
  });

  it('refuses other types', () => {
    expect(() => literal({} as unknown as string)).toThrow(TypeError);
    expect(() => literal(undefined as unknown as string)).toThrow(TypeError);
    expect(() => literal([1] as unknown as string)).toThrow(TypeError);
  });
});

describe('identifier', () => {
  it('backquotes valid names and qualified names', () => {
    expect(identifier('clicks').text).toBe('`clicks`');
    expect(identifier('funnel', 'clicks_hourly').text).toBe('`funnel`.`clicks_hourly`');
    expect(identifier('_x9').text).toBe('`_x9`');
  });

  it('refuses anything else', () => {
    for (const bad of ['', '9lives', 'a-b', 'a.b', 'a`b', 'a b', "x'; DROP TABLE y; --", 'é']) {
      expect(() => identifier(bad)).toThrow(TypeError);
    }
    expect(() => identifier()).toThrow(TypeError);
  });
});

describe('sql', () => {
  it('escapes every interpolation', () => {
    const name = "o'neil\\";
    const q = sql`SELECT count() FROM t WHERE name = ${name} AND n > ${-3} AND ok = ${true} AND v IS ${null}`;
    expect(q).toBeInstanceOf(Sql);
    expect(q.text).toBe("SELECT count() FROM t WHERE name = 'o\\'neil\\\\' AND n > (-3) AND ok = 1 AND v IS NULL");
  });

  it('splices identifiers and fragments as they are', () => {
    const where = sql`handle = ${'h1'}`;
    const q = sql`SELECT * FROM ${identifier('funnel', 'clicks')} WHERE ${where} AND ${joinSql([sql`a = ${1}`, sql`b = ${'x'}`], ' AND ')}`;
    expect(q.text).toBe("SELECT * FROM `funnel`.`clicks` WHERE handle = 'h1' AND a = 1 AND b = 'x'");
    expect(String(q)).toBe(q.text);
  });

  it('writes arrays as lists of literals and refuses empty ones', () => {
    expect(sql`x IN (${['a', "b'c", 3]})`.text).toBe("x IN ('a', 'b\\'c', 3)");
    expect(() => sql`x IN (${[]})`).toThrow(TypeError);
  });

  it('does not treat a string that looks like SQL as a fragment', () => {
    expect(sql`SELECT ${'1; DROP TABLE t'}`.text).toBe("SELECT '1; DROP TABLE t'");
    expect(sql`SELECT ${trustedSql('1')}`.text).toBe('SELECT 1');
  });
});
