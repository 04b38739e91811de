import { readVisitorId, visitorCookie } from './visitor-cookie';

describe('visitor cookie', () => {
  it('reads fnl_vid among other cookies', () => {
    expect(readVisitorId('a=1; fnl_vid=abc-123; b=2')).toBe('abc-123');
    expect(readVisitorId('fnl_vid=abc')).toBe('abc');
    expect(readVisitorId('x_fnl_vid=abc')).toBeNull();
  });

  it('ignores absent, empty or tampered values', () => {
    expect(readVisitorId(undefined)).toBeNull();
    expect(readVisitorId('fnl_vid=')).toBeNull();
    expect(readVisitorId('fnl_vid=<script>')).toBeNull();
    expect(readVisitorId(`fnl_vid=${'a'.repeat(129)}`)).toBeNull();
  });

  it('is long-lived, first-party, HttpOnly and Lax; Secure only over https', () => {
    expect(visitorCookie('v1', false)).toBe('fnl_vid=v1; Max-Age=34560000; Path=/; HttpOnly; SameSite=Lax');
    expect(visitorCookie('v1', true)).toMatch(/; Secure$/);
  });
});
