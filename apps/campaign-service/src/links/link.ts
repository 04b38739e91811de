import { Envelope, LinkDeletedV1, LinkSnapshotV1, LinkUpsertedV1, LinkView, TrackingMode } from '@funnel/contracts';

export const LINK_AGGREGATE = 'link';

/** The link aggregate's state (aggregate id = slug, scoped by handle). */
export interface LinkState {
  handle: string;
  slug: string;
  destinationUrl: string;
  campaignId: string | null;
  trackingPolicy: { mode: TrackingMode; appendContextParam: boolean };
  /** Deleted links keep their stream: a later PUT recreates the link at the next version. */
  deleted: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const DEFAULT_TRACKING_POLICY = { mode: 'DIRECT', appendContextParam: false } as const;

export function applyLinkEvent(state: LinkState | null, event: Envelope<object>): LinkState {
  if (event.type === LinkUpsertedV1.type && event.version === LinkUpsertedV1.version) {
    const p = event.payload as LinkUpsertedV1;
    const at = new Date(event.occurredAt);
    return {
      handle: event.handle,
      slug: p.slug,
      destinationUrl: p.destinationUrl,
      campaignId: p.campaignId ?? null,
      trackingPolicy: { mode: p.trackingPolicy.mode, appendContextParam: p.trackingPolicy.appendContextParam },
      deleted: false,
      version: event.aggregateVersion,
      // A link recreated after a delete is a new link to its users.
      createdAt: state && !state.deleted ? state.createdAt : at,
      updatedAt: at,
    };
  }
  if (state && event.type === LinkDeletedV1.type && event.version === LinkDeletedV1.version) {
    return { ...state, deleted: true, version: event.aggregateVersion, updatedAt: new Date(event.occurredAt) };
  }
  throw new Error(`cannot apply ${event.type} v${event.version} to link ${event.aggregateId} at version ${state?.version ?? 0}`);
}

export function foldLink(events: Array<Envelope<object>>): LinkState | null {
  return events.reduce<LinkState | null>((state, e) => applyLinkEvent(state, e), null);
}

/** `${base}/${handle}/${slug}`: the per-handle route the redirect edge serves. */
export function shortUrl(baseUrl: string, handle: string, slug: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${handle}/${slug}`;
}

export function toLinkView(s: LinkState, baseUrl: string): LinkView {
  return {
    slug: s.slug,
    handle: s.handle,
    destinationUrl: s.destinationUrl,
    campaignId: s.campaignId,
    trackingPolicy: { ...s.trackingPolicy },
    shortUrl: shortUrl(baseUrl, s.handle, s.slug),
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toLinkSnapshot(s: LinkState): LinkSnapshotV1 {
  return {
    schema: 'link-snapshot.v1',
    handle: s.handle,
    slug: s.slug,
    destinationUrl: s.destinationUrl,
    campaignId: s.campaignId,
    trackingPolicy: { ...s.trackingPolicy },
    version: s.version,
    updatedAt: s.updatedAt.toISOString(),
  };
}
