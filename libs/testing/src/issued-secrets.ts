import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Key of WEBHOOK_SECRET_KEYS for services a test starts in-process (a published test value, never
 * a deployment's). The local stack has its own fixed development key (deploy/stack.sh).
 */
export const TEST_WEBHOOK_SECRET_KEYS = `test:${Buffer.from('funnel-test-webhook-secret-key-!').toString('base64')}`;

export type IssuedSecretKind = 'pat' | 'webhook-secret' | 'jwt' | 'key';

/** Where tests list the secrets they were issued; the secret scan (apps/e2e/src/secret-scan) looks for each of them everywhere. */
export function issuedSecretsFile(): string {
  const stateDir = resolve(process.env.FUNNEL_STATE_DIR ?? join(process.cwd(), '.state'));
  return join(stateDir, 'test-reports', 'issued-secrets.txt');
}

/**
 * Call with every secret a test receives from the platform (a new PAT, a webhook signing secret):
 * one `<kind> <secret>` line, appended, so parallel workers do not overwrite each other.
 */
export function recordIssuedSecret(kind: IssuedSecretKind, secret: string): void {
  const file = issuedSecretsFile();
  mkdirSync(join(file, '..'), { recursive: true });
  appendFileSync(file, `${kind} ${secret}\n`, { mode: 0o600 });
}
