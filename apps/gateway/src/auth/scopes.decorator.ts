import { SetMetadata } from '@nestjs/common';
import type { PatScope } from '@funnel/contracts';

export const REQUIRED_SCOPES = 'funnel:required-scopes';

/**
 * The PAT scopes a route needs on its `/v2/public/...` mount (all of them; `analytics.*` covers
 * `analytics.read`). A route without @Scopes refuses every PAT. JWT callers are checked by @MinRole.
 */
export const Scopes = (...scopes: PatScope[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPES, scopes);
