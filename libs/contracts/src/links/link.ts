export const SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const TRACKING_MODES = ['DIRECT', 'CONTEXT'] as const;

export type TrackingMode = (typeof TRACKING_MODES)[number];

/** Name of the query parameter that carries the click id to the destination. */
export const CONTEXT_PARAM = 'fnl_click';
