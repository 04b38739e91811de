import { v7 as uuidv7 } from 'uuid';

/** A caller's id is echoed only if it is a short token: nothing that could smuggle text into logs or headers. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function resolveRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : uuidv7();
}
