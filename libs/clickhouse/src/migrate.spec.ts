import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumOf, defaultMigrationsDir, MigrationError, readMigrations, splitStatements } from './migrate';

describe('splitStatements', () => {
  it('ends a statement at a line ending in ; and keeps comments inside statements', () => {
    const text = [
      '-- header comment',
      'CREATE TABLE IF NOT EXISTS a',
      '(',
      '    x String -- trailing comment',
      ')',
      'ENGINE = MergeTree()',
      '-- why this key;',
      'ORDER BY x;',
      '',
      'CREATE TABLE IF NOT EXISTS b (y UInt8) ENGINE = MergeTree() ORDER BY y;  ',
      '-- only a comment at the end',
      '',
    ].join('\n');
    const statements = splitStatements(text);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^-- header comment\nCREATE TABLE IF NOT EXISTS a/);
    expect(statements[0]).toContain('-- why this key;\nORDER BY x');
    expect(statements[0].endsWith('ORDER BY x')).toBe(true);
    expect(statements[1]).toBe('CREATE TABLE IF NOT EXISTS b (y UInt8) ENGINE = MergeTree() ORDER BY y');
  });

  it('keeps a last statement without a terminator and drops empty chunks', () => {
    expect(splitStatements('SELECT 1;\n;\nSELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(splitStatements('-- nothing\n\n')).toEqual([]);
  });
});

describe('readMigrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ch-migrations-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('orders files by version and checksums them', () => {
    writeFileSync(join(dir, '0002_second.sql'), 'SELECT 2;\n');
    writeFileSync(join(dir, '0001_first.sql'), 'SELECT 1;\r\n');
    writeFileSync(join(dir, 'README.md'), '# not a migration');
    const files = readMigrations(dir);
    expect(files.map((f) => [f.version, f.name])).toEqual([[1, 'first'], [2, 'second']]);
    expect(files[0].checksum).toBe(checksumOf('SELECT 1;\n'));
    expect(files[0].statements).toEqual(['SELECT 1']);
  });

  it('refuses badly named files and duplicate versions', () => {
    writeFileSync(join(dir, '1_bad.sql'), 'SELECT 1;');
    expect(() => readMigrations(dir)).toThrow(MigrationError);
    rmSync(join(dir, '1_bad.sql'));
    writeFileSync(join(dir, '0001_a.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '0001_b.sql'), 'SELECT 1;');
    expect(() => readMigrations(dir)).toThrow(/share version 0001/);
  });
});

describe('the project migrations', () => {
  const files = readMigrations(defaultMigrationsDir());

  it('are numbered without gaps from 0001', () => {
    expect(files.map((f) => f.version)).toEqual(files.map((_, i) => i + 1));
  });

  it('only create or drop things IF (NOT) EXISTS, add columns, or backfill with INSERT ... SELECT', () => {
    for (const file of files) {
      for (const statement of file.statements) {
        const code = statement.replace(/--.*$/gm, '').trim();
        if (/^ALTER\b/.test(code)) {
          // The one ALTER allowed: adding columns (18.16 has no IF NOT EXISTS for them, README rule 3).
          expect(code).toMatch(/^ALTER\s+TABLE\s+\w+\s+ADD\s+COLUMN\b/);
          expect(code).not.toMatch(/\b(DROP|MODIFY|CLEAR|DELETE|UPDATE|DETACH|ATTACH|FREEZE)\b/);
          continue;
        }
        if (/^INSERT\s+INTO\b/.test(code)) {
          expect(code).toMatch(/\bSELECT\b/);
          continue;
        }
        if (/^DROP\b/.test(code)) {
          expect(code).toMatch(/^DROP\s+TABLE\s+IF EXISTS\b/);
          continue;
        }
        expect(code).toMatch(/\bCREATE\s+(TABLE|MATERIALIZED VIEW|DATABASE)\s+IF NOT EXISTS\b/);
      }
    }
  });

  it('justify every ORDER BY and PARTITION BY of a table in a comment', () => {
    for (const file of files) {
      for (const statement of file.statements.filter((s) => /CREATE\s+TABLE/.test(s))) {
        for (const clause of ['PARTITION BY', 'ORDER BY']) {
          const lines = statement.split('\n');
          const at = lines.findIndex((l) => l.trimStart().startsWith(clause));
          expect({ file: file.file, clause, found: at >= 0 }).toEqual({ file: file.file, clause, found: true });
          expect({ file: file.file, clause, commented: lines[at - 1].trimStart().startsWith('--') }).toEqual({
            file: file.file,
            clause,
            commented: true,
          });
        }
      }
    }
  });
});
