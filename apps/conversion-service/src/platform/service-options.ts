import { ConversionEnv } from '@funnel/config';

export const SERVICE = 'conversion-service';

export interface ConversionServiceOptions {
  env: ConversionEnv;
  /**
   * Base consumer-group name (`<base>` for clicks, `<base>-campaigns`, `<base>-webhooks`).
   * Always the service name in production; integration tests pass their own so they never share
   * partitions with a running service.
   */
  groupId: string;
}

export const SERVICE_OPTIONS = Symbol('CONVERSION_SERVICE_OPTIONS');
