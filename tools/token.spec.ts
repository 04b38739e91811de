import 'reflect-metadata';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevToken, verifyToken } from '@funnel/auth';
import { parseTokenArgs, readSecret, SECRET_FILE, UsageError } from './token';

describe('parseTokenArgs', () => {
  it('reads flags in both forms and applies defaults', () => {
    expect(parseTokenArgs(['--handle', 'acme', '--role=creator'])).toEqual({ handle: 'acme', role: 'CREATOR', sub: 'dev-acme', expires: '12h' });
    expect(parseTokenArgs(['--handle=acme', '--role', 'ADMIN', '--sub', 'alice', '--expires', '30m'])).toEqual({
      handle: 'acme',
      role: 'ADMIN',
      sub: 'alice',
      expires: '30m',
    });
  });

  it('rejects an unknown role, unknown flags, missing values and bad durations', () => {
    expect(() => parseTokenArgs(['--handle', 'acme', '--role', 'ROOT'])).toThrow(UsageError);
    expect(() => parseTokenArgs(['--handle', 'acme', '--role', 'ADMIN', '--color', 'red'])).toThrow(/unknown argument/);
    expect(() => parseTokenArgs(['--handle', '--role', 'ADMIN'])).toThrow(/needs a value/);
    expect(() => parseTokenArgs(['--role', 'ADMIN'])).toThrow(/--handle is required/);
    expect(() => parseTokenArgs(['--handle', 'Not A Handle', '--role', 'ADMIN'])).toThrow(/--handle must match/);
    expect(() => parseTokenArgs(['--handle', 'acme'])).toThrow(/--role is required/);
    expect(() => parseTokenArgs(['--handle', 'acme', '--role', 'ADMIN', '--expires', 'forever'])).toThrow(/--expires/);
  });

  it('answers help', () => {
    expect(parseTokenArgs(['--help'])).toBe('help');
  });
});

describe('readSecret', () => {
  const root = mkdtempSync(join(tmpdir(), 'token-spec-'));

  it('prefers JWT_SECRET, then the stack file, else explains', () => {
    expect(() => readSecret({}, root)).toThrow(/JWT_SECRET/);
    mkdirSync(join(root, '.state'), { recursive: true });
    writeFileSync(join(root, SECRET_FILE), 'file-secret-0123456789\n');
    expect(readSecret({}, root)).toBe('file-secret-0123456789');
    expect(readSecret({ JWT_SECRET: 'env-secret-0123456789' }, root)).toBe('env-secret-0123456789');
    expect(() => readSecret({ JWT_SECRET: 'short' }, root)).toThrow(/shorter/);
  });

  it('reads the stack file from FUNNEL_STATE_DIR when set', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'token-state-'));
    expect(() => readSecret({ FUNNEL_STATE_DIR: stateDir }, root)).toThrow(new RegExp(join(stateDir, 'jwt-secret')));
    writeFileSync(join(stateDir, 'jwt-secret'), 'state-dir-secret-0123456789');
    expect(readSecret({ FUNNEL_STATE_DIR: stateDir }, root)).toBe('state-dir-secret-0123456789');
  });

  it('yields tokens the gateway accepts', () => {
    const token = signDevToken({ sub: 'dev-acme', handle: 'acme', role: 'CREATOR', secret: readSecret({ JWT_SECRET: 'env-secret-0123456789' }, root), expiresIn: '12h' });
    expect(verifyToken(token, 'env-secret-0123456789')).toMatchObject({ ok: true, principal: { handle: 'acme', role: 'CREATOR' } });
  });
});
