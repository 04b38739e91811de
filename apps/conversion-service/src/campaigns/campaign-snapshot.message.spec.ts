import 'reflect-metadata';
import { parseSnapshotMessage } from './campaign-snapshot.message';

const snapshot = {
  schema: 'campaign-snapshot.v1',
  handle: 'acme',
  campaignId: 'spring-launch',
  status: 'ACTIVE',
  goalType: 'PRODUCT_SALE',
  eventType: 'purchase',
  primarySlug: null,
  cookieDurationDays: 30,
  version: 3,
  updatedAt: '2025-01-01T00:00:00.000Z',
};
const value = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('parseSnapshotMessage', () => {
  it('accepts a snapshot under its own key', () => {
    const parsed = parseSnapshotMessage('acme/spring-launch', value(snapshot));
    expect(parsed).toMatchObject({ ok: true, message: { kind: 'snapshot', snapshot: { campaignId: 'spring-launch', version: 3 } } });
  });

  it('takes an optional attribution model (absent in older snapshots) and refuses an unknown one', () => {
    expect(parseSnapshotMessage('acme/spring-launch', value({ ...snapshot, attributionModel: 'FIRST_CLICK' }))).toMatchObject({ ok: true, message: { snapshot: { attributionModel: 'FIRST_CLICK' } } });
    expect(parseSnapshotMessage('acme/spring-launch', value({ ...snapshot, attributionModel: 'LINEAR' })).ok).toBe(false);
  });

  it('reads a tombstone from its key', () => {
    expect(parseSnapshotMessage('acme/spring-launch', null)).toEqual({ ok: true, message: { kind: 'tombstone', handle: 'acme', campaignId: 'spring-launch' } });
    expect(parseSnapshotMessage('nokey', null).ok).toBe(false);
  });

  it('refuses poison: bad JSON, wrong schema, bad fields, a key naming another campaign', () => {
    expect(parseSnapshotMessage('acme/spring-launch', Buffer.from('{')).ok).toBe(false);
    expect(parseSnapshotMessage('acme/spring-launch', value({ ...snapshot, schema: 'campaign-snapshot.v2' })).ok).toBe(false);
    expect(parseSnapshotMessage('acme/spring-launch', value({ ...snapshot, cookieDurationDays: 400 })).ok).toBe(false);
    expect(parseSnapshotMessage('other/spring-launch', value(snapshot))).toEqual({ ok: false, error: expect.stringContaining('does not match') });
  });
});
