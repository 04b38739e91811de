import { Matches } from 'class-validator';
import { CAMPAIGN_ID_PATTERN, HANDLE_PATTERN, RULE_ID_PATTERN, SLUG_PATTERN } from '@funnel/contracts';

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

export class RuleParams extends HandleParams {
  @Matches(RULE_ID_PATTERN, { message: `ruleId must match ${RULE_ID_PATTERN.source}` }) ruleId!: string;
}

export class TokenParams extends HandleParams {
  @Matches(/^tok_[0-9a-f]{16}$/, { message: 'tokenId must look like tok_ followed by 16 hex digits' }) tokenId!: string;
}
