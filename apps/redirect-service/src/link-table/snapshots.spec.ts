import 'reflect-metadata';
import { campaignSnapshot, linkSnapshot } from '../../test/fixtures';
import { parseCampaignSnapshot, parseLinkSnapshot } from '@funnel/contracts';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('parseLinkSnapshot', () => {
  it('accepts a valid snapshot', () => {
    const parsed = parseLinkSnapshot('acme/spring', json(linkSnapshot()));
    expect(parsed).toEqual({ ok: true, value: linkSnapshot() });
  });

  it.each<[string, unknown]>([
    ['not JSON', '{nope'],
    ['an array', []],
    ['another schema', linkSnapshot({ schema: 'link-snapshot.v2' as never })],
    ['a bad handle', linkSnapshot({ handle: 'A' })],
    ['a slug over 64 characters', linkSnapshot({ slug: 's'.repeat(65) })],
    ['a relative destination', linkSnapshot({ destinationUrl: '/spring' })],
    ['a javascript: destination', linkSnapshot({ destinationUrl: 'javascript:alert(1)' })],
    ['a destination with a line break', linkSnapshot({ destinationUrl: 'https://a.example/\r\nSet-Cookie: x=1' })],
    ['a malformed campaign id', linkSnapshot({ campaignId: 'X' })],
    ['no tracking policy', { ...linkSnapshot(), trackingPolicy: undefined }],
    ['an unknown tracking mode', linkSnapshot({ trackingPolicy: { mode: 'MAGIC' as never, appendContextParam: true } })],
    ['a non-boolean appendContextParam', linkSnapshot({ trackingPolicy: { mode: 'DIRECT', appendContextParam: 'yes' as never } })],
    ['a negative version', linkSnapshot({ version: -1 })],
    ['a fractional version', linkSnapshot({ version: 1.5 })],
  ])('rejects %s', (_name, value) => {
    const raw = typeof value === 'string' ? value : json(value);
    expect(parseLinkSnapshot('acme/spring', raw).ok).toBe(false);
  });

  it('rejects a value filed under another key (no cross-tenant overwrite)', () => {
    const parsed = parseLinkSnapshot('victim/spring', json(linkSnapshot()));
    expect(parsed).toEqual({ ok: false, error: expect.stringContaining('does not match') });
  });
});

describe('parseCampaignSnapshot', () => {
  it('accepts a valid snapshot, and an unknown status (it is simply not ACTIVE)', () => {
    expect(parseCampaignSnapshot('acme/spring-launch', json(campaignSnapshot())).ok).toBe(true);
    const archived = parseCampaignSnapshot('acme/spring-launch', json({ ...campaignSnapshot(), status: 'ARCHIVED' }));
    expect(archived.ok && archived.value.status).toBe('ARCHIVED');
  });

  it.each<[string, unknown]>([
    ['another schema', { ...campaignSnapshot(), schema: 'x' }],
    ['a bad campaign id', campaignSnapshot({ campaignId: '!' })],
    ['no status', { ...campaignSnapshot(), status: '' }],
    ['no version', { ...campaignSnapshot(), version: undefined }],
  ])('rejects %s', (_name, value) => {
    expect(parseCampaignSnapshot('acme/spring-launch', json(value)).ok).toBe(false);
  });

  it('rejects a key that names another campaign', () => {
    expect(parseCampaignSnapshot('acme/other', json(campaignSnapshot())).ok).toBe(false);
  });
});
