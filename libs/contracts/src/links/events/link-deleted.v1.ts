import { IsString } from 'class-validator';

/** link.deleted v1 — the link is gone; the link-snapshots topic gets a tombstone. */
export class LinkDeletedV1 {
  static readonly type = 'link.deleted';
  static readonly version = 1;
  @IsString() slug!: string;
}
