import { DeviceClass } from '../clicks/click';

/**
 * Value of the compacted rule-snapshots topic (key `${handle}/${ruleId}`): a personalization rule
 * as the redirect edge evaluates it (seed 000). Absent condition lists match everything; device
 * classes are the lower-case DEVICE_CLASSES, countries ISO 3166-1 alpha-2 upper case, sources lower case.
 */
export interface RuleSnapshotV1 {
  schema: 'rule-snapshot.v1';
  handle: string;
  ruleId: string;
  enabled: boolean;
  /** Higher first; ties broken by ruleId ascending. */
  priority: number;
  when: {
    campaignIn?: string[];
    deviceIn?: DeviceClass[];
    countryIn?: string[];
    sourceIn?: string[];
  };
  variant: { id: string; destinationUrl: string };
  version: number;
  updatedAt: string;
}
