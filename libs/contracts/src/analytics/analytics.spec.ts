import 'reflect-metadata';
import { AnalyticsQuery, canonicalTimeZone, displayTimeZone, hasWholeHourOffsets, isTimeZone, parseAnalyticsDate, resolveAnalyticsQuery, zoneOffsetMinutes } from './analytics';

const NOW = new Date('2026-02-25T12:34:56Z');
const resolve = (q: AnalyticsQuery) => resolveAnalyticsQuery(q, NOW);
const fieldsOf = (q: AnalyticsQuery) => {
  const r = resolve(q);
  return r.ok ? [] : r.fields.map((f) => [f.field, f.code]);
};

describe('time zones', () => {
  it('knows IANA zones and refuses the rest', () => {
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    for (const bad of ['Mars/Olympus', '+02:00', '', "Europe/Paris'; DROP", '../etc/passwd']) expect(isTimeZone(bad)).toBe(false);
  });

  it('canonicalises names in any letter case, so caches and ClickHouse see one spelling', () => {
    expect(canonicalTimeZone('Europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('EUROPE/BERLIN')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(displayTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(displayTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(zoneOffsetMinutes('europe/paris', Date.parse('2026-01-15T00:00:00Z'))).toBe(60);
  });

  it('resolves a zone in the wrong letter case to its canonical name, and refuses unknown ones', () => {
    const r = resolve({ granularity: 'day', from: '2026-02-01', to: '2026-02-10', timeZone: 'Europe/berlin' });
    expect(r.ok && r.value.view === 'series' && r.value.timeZone).toBe('Europe/Berlin');
    expect(fieldsOf({ granularity: 'day', timeZone: 'Europe/Berlinn' })).toEqual([['timeZone', 'invalid_time_zone']]);
  });

  it('gives offsets across daylight saving time', () => {
    expect(zoneOffsetMinutes('Europe/Paris', Date.parse('2026-01-15T00:00:00Z'))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Paris', Date.parse('2026-07-15T00:00:00Z'))).toBe(120);
    expect(zoneOffsetMinutes('Asia/Kolkata', Date.parse('2026-07-15T00:00:00Z'))).toBe(330);
  });

  it('tells whole-hour zones from fractional ones over a range', () => {
    const from = Date.parse('2026-01-01T00:00:00Z');
    const to = Date.parse('2026-12-31T00:00:00Z');
    expect(hasWholeHourOffsets('America/New_York', from, to)).toBe(true);
    expect(hasWholeHourOffsets('Asia/Kolkata', from, to)).toBe(false);
  });
});

describe('parseAnalyticsDate', () => {
  it('reads a date as local midnight, including on a DST day', () => {
    expect(parseAnalyticsDate('2026-03-29', 'Europe/Paris')?.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(parseAnalyticsDate('2026-03-30', 'Europe/Paris')?.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(parseAnalyticsDate('2026-02-01', 'UTC')?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('reads date-times with Z or an offset', () => {
    expect(parseAnalyticsDate('2026-02-01T10:30:00+02:00', 'UTC')?.toISOString()).toBe('2026-02-01T08:30:00.000Z');
    expect(parseAnalyticsDate('2026-02-01T10:30Z', 'UTC')?.toISOString()).toBe('2026-02-01T10:30:00.000Z');
  });

  it('refuses impossible or ambiguous dates', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-02-01T25:00:00Z', '2026-02-01T10:00:00', 'yesterday', '1770000000', '2026-2-1']) {
      expect(parseAnalyticsDate(bad, 'UTC')).toBeNull();
    }
  });
});

describe('resolveAnalyticsQuery', () => {
  it('passes breakdownLimit to the funnel view only', () => {
    expect(resolve({ funnel: 'true', breakdownLimit: 5 })).toEqual({ ok: true, value: { view: 'funnel', breakdownLimit: 5 } });
    expect(fieldsOf({ groupBy: 'segment', campaignId: 'spring', breakdownLimit: 5 })).toEqual([['breakdownLimit', 'unexpected']]);
  });

  it('picks the funnel, groupBy and series views', () => {
    expect(resolve({ funnel: 'true' })).toEqual({ ok: true, value: { view: 'funnel' } });
    expect(resolve({ groupBy: 'segment', campaignId: 'spring' })).toEqual({ ok: true, value: { view: 'groupBy', groupBy: 'segment', campaignId: 'spring' } });
    expect(resolve({ granularity: 'day', from: '2026-02-01', to: '2026-02-10', timeZone: 'Europe/Paris' })).toEqual({
      ok: true,
      value: { view: 'series', granularity: 'day', timeZone: 'Europe/Paris', from: new Date('2026-01-31T23:00:00Z'), to: new Date('2026-02-09T23:00:00Z') },
    });
  });

  it('defaults a series to UTC and a range ending now', () => {
    const r = resolve({ granularity: 'hour' });
    expect(r.ok && r.value.view === 'series' && [r.value.timeZone, r.value.from.toISOString(), r.value.to.toISOString()]).toEqual([
      'UTC',
      '2026-02-24T12:34:56.000Z',
      NOW.toISOString(),
    ]);
  });

  it('names the field of every bad view, zone, date and range', () => {
    expect(fieldsOf({})).toEqual([['funnel', 'required']]);
    expect(fieldsOf({ funnel: 'true', granularity: 'day' })).toEqual([['funnel', 'conflicting_view'], ['granularity', 'conflicting_view']]);
    expect(fieldsOf({ groupBy: 'segment' })).toEqual([['campaignId', 'required']]);
    expect(fieldsOf({ funnel: 'true', from: '2026-01-01' })).toEqual([['from', 'unexpected']]);
    expect(fieldsOf({ granularity: 'day', timeZone: 'Mars/Base' })).toEqual([['timeZone', 'invalid_time_zone']]);
    expect(fieldsOf({ granularity: 'day', from: '2026-02-30', to: 'soon' })).toEqual([['from', 'invalid_date'], ['to', 'invalid_date']]);
    expect(fieldsOf({ granularity: 'day', from: '2026-02-10', to: '2026-02-01' })).toEqual([['to', 'invalid_range']]);
    expect(fieldsOf({ granularity: 'day', from: '2026-02-10', to: '2026-02-10' })).toEqual([['to', 'invalid_range']]);
    expect(fieldsOf({ granularity: 'hour', from: '2026-01-01', to: '2026-02-02' })).toEqual([['from', 'range_too_large']]);
    expect(fieldsOf({ granularity: 'day', from: '1969-12-31', to: '2026-01-01' })).toEqual([['from', 'invalid_date']]);
    expect(fieldsOf({ granularity: 'hour', from: '2026-01-01', to: '2026-02-01' })).toEqual([]);
  });
});
