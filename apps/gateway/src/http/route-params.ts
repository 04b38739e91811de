import { Matches } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, HANDLE_PATTERN, SLUG_PATTERN } from '@funnel/contracts';

/** Path parameters, validated like bodies so a bad id is a 400 and never reaches a service. */
export class HandleParams {
  @Matches(HANDLE_PATTERN, { message: `handle must match ${HANDLE_PATTERN.source}` }) handle!: string;
}

export class CampaignParams extends HandleParams {
  @Matches(CAMPAIGN_ID_PATTERN, { message: `campaignId must match ${CAMPAIGN_ID_PATTERN.source}` }) campaignId!: string;
}

export class LinkParams extends HandleParams {
  @Matches(SLUG_PATTERN, { message: `slug must match ${SLUG_PATTERN.source}` }) slug!: string;
}
