import { IsString } from 'class-validator';

/** rule.deleted v1 — the rule-snapshots topic gets a tombstone. */
export class RuleDeletedV1 {
  static readonly type = 'rule.deleted';
  static readonly version = 1;
  @IsString() ruleId!: string;
}
