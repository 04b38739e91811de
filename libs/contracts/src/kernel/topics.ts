/**
 * Every Kafka topic of the platform, defined once. Each topic has a `.dlq` sibling where
 * consumers park messages they cannot process (with the error in headers), so a poison
 * message never blocks its partition and is never silently dropped.
 */
export const TOPICS = {
  /** Campaign and link domain events from the campaign-service outbox, keyed by aggregate id. */
  campaignEvents: 'funnel.campaign-events',
  /** Compacted: latest state of each short link, keyed `${handle}/${slug}`; null value = deleted. */
  linkSnapshots: 'funnel.link-snapshots',
  /** Compacted: latest state of each campaign, keyed `${handle}/${campaignId}`. */
  campaignSnapshots: 'funnel.campaign-snapshots',
  /** Compacted: latest state of each personalization rule, keyed `${handle}/${ruleId}`; null value = deleted. */
  ruleSnapshots: 'funnel.rule-snapshots',
  /** click.recorded events from the redirect edge, keyed by handle/campaign. */
  clicks: 'funnel.clicks',
  /** conversion.recorded / conversion.tested events from the conversion-service. */
  conversions: 'funnel.conversions',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const DLQ_SUFFIX = '.dlq';

export function dlqTopic(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  configEntries?: Array<{ name: string; value: string }>;
}

const compacted = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'min.compaction.lag.ms', value: '0' },
];

/** Partition counts: clicks carry the volume; everything else is control-plane traffic. */
export const TOPIC_SPECS: readonly TopicSpec[] = [
  { topic: TOPICS.campaignEvents, numPartitions: 3 },
  { topic: TOPICS.linkSnapshots, numPartitions: 1, configEntries: compacted },
  { topic: TOPICS.campaignSnapshots, numPartitions: 1, configEntries: compacted },
  { topic: TOPICS.ruleSnapshots, numPartitions: 1, configEntries: compacted },
  { topic: TOPICS.clicks, numPartitions: 6 },
  { topic: TOPICS.conversions, numPartitions: 3 },
].flatMap((spec) => [spec, { topic: dlqTopic(spec.topic), numPartitions: 1 }]);

/** Key of a compacted snapshot topic's record: `${handle}/${id}` (slug, campaignId or ruleId). */
export function snapshotKey(handle: string, id: string): string {
  return `${handle}/${id}`;
}
