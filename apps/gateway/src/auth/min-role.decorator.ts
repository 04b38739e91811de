import { SetMetadata } from '@nestjs/common';
import type { Role } from '@funnel/contracts';

export const MIN_ROLE = 'funnel:min-role';

/** The least role a route accepts; JwtAuthGuard falls back to ADMIN when a route forgets to say. */
export const MinRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(MIN_ROLE, role);
