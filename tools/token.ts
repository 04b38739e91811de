import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { HANDLE_PATTERN, ROLES, Role } from '@funnel/contracts';
import { isRole, isTokenLifetime, MIN_SECRET_LENGTH, signDevToken } from '@funnel/auth';

/**
 * Prints a development JWT for the gateway:
 *   npm run token -- --handle acme --role CREATOR [--sub someone] [--expires 12h]
 * The token is the last line on stdout; a description goes to stderr, so `$(npm run -s token -- ...)` captures only the token.
 */
export const USAGE = `usage: npm run token -- --handle <handle> --role <${ROLES.join('|')}> [--sub <subject>] [--expires <12h|30m|7d|seconds>]`;
export const SECRET_FILE = join('.state', 'jwt-secret');

export class UsageError extends Error {}

export interface TokenArgs {
  handle: string;
  role: Role;
  sub: string;
  expires: string;
}

const FLAGS = ['handle', 'role', 'sub', 'expires'] as const;
type Flag = (typeof FLAGS)[number];

export function parseTokenArgs(argv: readonly string[]): TokenArgs | 'help' {
  const values: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const flag = match?.[1] as Flag | undefined;
    if (!match || !flag || !FLAGS.includes(flag)) throw new UsageError(`unknown argument ${arg}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '' || (match[2] === undefined && value.startsWith('--'))) throw new UsageError(`--${flag} needs a value`);
    values[flag] = value;
  }
  if (!values.handle) throw new UsageError('--handle is required');
  if (!HANDLE_PATTERN.test(values.handle)) throw new UsageError(`--handle must match ${HANDLE_PATTERN.source}`);
  if (!values.role) throw new UsageError('--role is required');
  const role = values.role.toUpperCase();
  if (!isRole(role)) throw new UsageError(`unknown role ${values.role}; use one of ${ROLES.join(', ')}`);
  const expires = values.expires ?? '12h';
  if (!isTokenLifetime(expires)) throw new UsageError(`--expires must be a duration like 30m, 12h, 7d or a number of seconds`);
  return { handle: values.handle, role, sub: values.sub ?? `dev-${values.handle}`, expires };
}

/** The repository root: the nearest directory above this file with a package.json (the cwd as a fallback). */
export function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/**
 * JWT_SECRET from the environment, else the secret the local stack wrote (in FUNNEL_STATE_DIR when
 * set, as the stack scripts do, else `.state/` of the repository); the same one the gateway uses.
 */
export function readSecret(env: NodeJS.ProcessEnv, root: string): string {
  const fromEnv = env.JWT_SECRET?.trim();
  const file = env.FUNNEL_STATE_DIR ? join(resolve(env.FUNNEL_STATE_DIR), 'jwt-secret') : join(root, SECRET_FILE);
  const secret = fromEnv || (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
  if (!secret) throw new Error(`no JWT secret: set JWT_SECRET (as the gateway has it) or start the local stack, which writes ${file}`);
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`the JWT secret from ${fromEnv ? 'JWT_SECRET' : file} is shorter than ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}

export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  let args: TokenArgs | 'help';
  try {
    args = parseTokenArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`token: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const secret = readSecret(env, repoRoot());
    const token = signDevToken({ sub: args.sub, handle: args.handle, role: args.role, secret, expiresIn: args.expires });
    process.stderr.write(`Development token for handle ${args.handle}, role ${args.role}, sub ${args.sub}, expires in ${args.expires}:\n`);
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`token: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
