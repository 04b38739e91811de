import { Matches } from 'class-validator';
import { UUID_PATTERN } from '@funnel/contracts';
import { HandleParams } from '../platform/http/route-params';

export class WebhookParams extends HandleParams {
  @Matches(UUID_PATTERN, { message: 'webhookId must be a UUID' }) webhookId!: string;
}

export class DeliveryParams extends WebhookParams {
  @Matches(UUID_PATTERN, { message: 'deliveryId must be a UUID' }) deliveryId!: string;
}
