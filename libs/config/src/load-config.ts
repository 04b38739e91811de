import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Names whose values are secrets: a boot error names them but never prints what they hold. */
const SECRET_NAME = /SECRET|PASSWORD|KEYS?$|TOKEN/;

function shown(name: string, value: string | undefined): string {
  if (value === undefined) return 'null';
  return SECRET_NAME.test(name) ? '(hidden)' : JSON.stringify(value);
}

/**
 * Reads `env` into a validated instance of `schema`. Every bad variable is named in the error,
 * so a misconfigured service stops at boot with a message that says what to fix.
 */
export function loadConfig<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new schema();
  const present = Object.fromEntries(
    Object.keys(defaults)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const instance = plainToInstance(schema, { ...defaults, ...present }, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: true });
  if (errors.length) {
    throw new ConfigError(
      errors.map((e) => `${e.property}=${shown(e.property, env[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    );
  }
  return instance;
}
