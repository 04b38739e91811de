import { TrackingMode } from './link';

/** Value of the compacted link-snapshots topic (key `${handle}/${slug}`); what the redirect edge serves. */
export interface LinkSnapshotV1 {
  schema: 'link-snapshot.v1';
  handle: string;
  slug: string;
  destinationUrl: string;
  campaignId: string | null;
  trackingPolicy: { mode: TrackingMode; appendContextParam: boolean };
  version: number;
  updatedAt: string;
}
