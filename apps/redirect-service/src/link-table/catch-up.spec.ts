import { CatchUpTracker } from './catch-up';

describe('CatchUpTracker', () => {
  it('is caught up at once when every partition was empty at startup', () => {
    const tracker = new CatchUpTracker([
      { topic: 'links', partition: 0, high: '0', low: '0' },
      { topic: 'campaigns', partition: 0, high: '12', low: '12' },
    ]);
    expect(tracker.caughtUp).toBe(true);
  });

  it('waits for every partition to reach its startup high-water mark', () => {
    const tracker = new CatchUpTracker([
      { topic: 'links', partition: 0, high: '10', low: '0' },
      { topic: 'campaigns', partition: 0, high: '3', low: '1' },
    ]);
    tracker.observe('links', 0, '4');
    expect(tracker.caughtUp).toBe(false);
    expect(tracker.describe()).toBe('links[0] at 5 of 10, campaigns[0] at start of 3');
    tracker.observe('campaigns', 0, '2');
    tracker.observe('links', 0, '3'); // an older position never moves it back
    expect(tracker.describe()).toBe('links[0] at 5 of 10');
    tracker.observe('links', 0, '9');
    expect(tracker.caughtUp).toBe(true);
  });

  it('ignores partitions it was not waiting for, and offsets past the mark', () => {
    const tracker = new CatchUpTracker([{ topic: 'links', partition: 0, high: '2', low: '0' }]);
    tracker.observe('links', 1, '100');
    expect(tracker.caughtUp).toBe(false);
    tracker.observe('links', 0, '50');
    expect(tracker.caughtUp).toBe(true);
  });
});
