import { CAMPAIGN_ID_PATTERN } from '../campaigns/campaign';
import { fail, isHttpUrl, isVersion, Json, matches, Parsed, snapshotObject } from '../kernel/snapshot';
import { SLUG_PATTERN, TRACKING_MODES, TrackingMode } from './link';

/** Value of the compacted link-snapshots topic (key `${handle}/${slug}`); what the redirect edge serves. */
export class LinkSnapshotV1 {
  schema!: 'link-snapshot.v1';
  handle!: string;
  slug!: string;
  destinationUrl!: string;
  campaignId!: string | null;
  trackingPolicy!: { mode: TrackingMode; appendContextParam: boolean };
  version!: number;
  updatedAt!: string;
}

/**
 * Validates a link-snapshots value. Only the fields the edge serves are checked strictly;
 * the key must name the same handle/slug as the value, so one tenant's record can never
 * land under another's key.
 */
export function parseLinkSnapshot(key: string, raw: Buffer | string): Parsed<LinkSnapshotV1> {
  const json = snapshotObject(raw, key, 'link-snapshot.v1', 'slug', SLUG_PATTERN);
  if (typeof json === 'string') return fail(json);
  if (typeof json.handle !== 'string' || typeof json.slug !== 'string') return fail('slug is missing');
  if (!isHttpUrl(json.destinationUrl)) return fail('destinationUrl is not an absolute http(s) URL');
  if (json.campaignId !== null && !matches(json.campaignId, CAMPAIGN_ID_PATTERN)) return fail('campaignId is malformed');
  const policy = json.trackingPolicy;
  if (typeof policy !== 'object' || policy === null) return fail('trackingPolicy is missing');
  const { mode, appendContextParam } = policy as Json;
  if (!TRACKING_MODES.includes(mode as (typeof TRACKING_MODES)[number])) return fail('trackingPolicy.mode is unknown');
  if (typeof appendContextParam !== 'boolean') return fail('trackingPolicy.appendContextParam is not a boolean');
  if (!isVersion(json.version)) return fail('version is not a non-negative integer');
  return {
    ok: true,
    value: {
      schema: 'link-snapshot.v1',
      handle: json.handle,
      slug: json.slug,
      destinationUrl: json.destinationUrl,
      campaignId: json.campaignId,
      trackingPolicy: { mode: mode as (typeof TRACKING_MODES)[number], appendContextParam },
      version: json.version,
      updatedAt: typeof json.updatedAt === 'string' ? json.updatedAt : '',
    },
  };
}

