import { ClickRecordedV1, Envelope, MAX_BATCHED_EVENTS, parseEnvelopes } from '@funnel/contracts';
import { clickEvent } from '@funnel/testing';
import type { ClickMessage } from './click-sink';
import { clickRecords } from './kafka-click.publisher';

function click(key: string): ClickMessage {
  const [handle, campaignId] = key.split('/');
  return { key, envelope: clickEvent(handle, campaignId) };
}

const EXPECTED = { type: ClickRecordedV1.type, version: ClickRecordedV1.version, payload: ClickRecordedV1 };

function idsOf(value: string): string[] {
  const parsed = parseEnvelopes(value, EXPECTED);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.envelopes.map((e: Envelope<ClickRecordedV1>) => e.payload.clickId);
}

describe('clickRecords', () => {
  it('puts each campaign’s clicks into one record under its key, in arrival order', () => {
    const batch = [click('acme/a'), click('acme/b'), click('acme/a'), click('other/a'), click('acme/b')];
    const records = clickRecords(batch);
    expect(records.map((r) => r.key)).toEqual(['acme/a', 'acme/b', 'other/a']);
    expect(records.map((r) => idsOf(r.value))).toEqual([
      [batch[0].envelope.payload.clickId, batch[2].envelope.payload.clickId],
      [batch[1].envelope.payload.clickId, batch[4].envelope.payload.clickId],
      [batch[3].envelope.payload.clickId],
    ]);
    expect(records.map((r) => r.headers)).toEqual([
      { 'event-type': 'click.recorded', 'event-count': '2' },
      { 'event-type': 'click.recorded', 'event-count': '2' },
      { 'event-type': 'click.recorded', 'event-count': '1' },
    ]);
  });

  it('splits a campaign’s clicks into records of at most MAX_BATCHED_EVENTS, losing none', () => {
    const batch = Array.from({ length: MAX_BATCHED_EVENTS * 2 + 3 }, () => click('acme/big'));
    const records = clickRecords(batch);
    expect(records.map((r) => idsOf(r.value).length)).toEqual([MAX_BATCHED_EVENTS, MAX_BATCHED_EVENTS, 3]);
    expect(records.flatMap((r) => idsOf(r.value))).toEqual(batch.map((c) => c.envelope.payload.clickId));
  });

  it('produces nothing for an empty batch', () => {
    expect(clickRecords([])).toEqual([]);
  });
});
