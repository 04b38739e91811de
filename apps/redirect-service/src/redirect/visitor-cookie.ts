/** First-party visitor cookie set by the redirect edge. */
export const VISITOR_COOKIE = 'fnl_vid';
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60; // the longest lifetime browsers honour

const VISITOR_ID = /^[A-Za-z0-9-]{1,128}$/;
const FIND = new RegExp(`(?:^|;)\\s*${VISITOR_COOKIE}=([^;]*)`);

/** The visitor id from a Cookie header, or null when absent or not one we could have set. */
export function readVisitorId(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  const match = FIND.exec(cookieHeader);
  const value = match?.[1].trim();
  return value && VISITOR_ID.test(value) ? value : null;
}

/** Set-Cookie value for a new visitor id; Secure when the visitor reached us over https. */
export function visitorCookie(visitorId: string, secure: boolean): string {
  return `${VISITOR_COOKIE}=${visitorId}; Max-Age=${MAX_AGE_SECONDS}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
