import { fail, Failure } from '@funnel/contracts';

export const DEFAULT_PAGE_SIZE = 50;

/** Opaque page cursors: base64url of the last item's sort key, so a client cannot depend on its shape. */
export function encodeCursor(key: string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, parts: number): { ok: true; key: string[] | null } | Failure {
  if (cursor === undefined) return { ok: true, key: null };
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(key) && key.length === parts && key.every((k) => typeof k === 'string')) return { ok: true, key: key as string[] };
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  return invalidCursor();
}

export function invalidCursor(): Failure {
  return fail('invalid_cursor', 'cursor is not one this API returned.', [{ field: 'cursor', message: 'cursor is invalid', code: 'invalid_cursor' }]);
}
