import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ConversionListView,
  ConversionView,
  IDEMPOTENCY_KEY_PATTERN,
  ListConversionsQuery,
  RecordConversionBody,
  RPCS,
  TestConversionBody,
} from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { Scopes } from '../auth/scopes.decorator';
import { ApiException } from '../platform/http/api.exception';
import { CampaignParams, HandleParams } from '../platform/http/route-params';
import { RpcClient } from '../platform/rpc/rpc.client';

/** The Idempotency-Key header as an RPC param (absent when the client sent none). */
export function idempotencyParams(header: string | undefined): Record<string, string> {
  if (header === undefined) return {};
  if (!IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new ApiException(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1-255 printable ASCII characters without spaces');
  }
  return { idempotencyKey: header };
}

/** Conversions, real and test, are owned by the conversion-service. */
@Controller(['v2/handles/:handle', 'v2/public/handles/:handle'])
@UseGuards(JwtAuthGuard)
@MinRole('CREATOR')
@Scopes('conversions.write')
export class ConversionsController {
  constructor(private readonly rpc: RpcClient) {}

  /**
   * With an Idempotency-Key, a repeat of the same body answers the conversion the first request
   * created (nothing new is stored); the same key with another body is 409 idempotency_key_reused.
   */
  @Post('conversions')
  @HttpCode(201)
  record(
    @Param() _params: HandleParams,
    @Body() body: RecordConversionBody,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentCaller() caller: Caller,
  ): Promise<ConversionView> {
    return this.rpc.call(RPCS.conversionRecord, caller, idempotencyParams(idempotencyKey), body);
  }

  /** The handle's conversions, newest first; `?status=unattributed` is the report of conversions no click was found for. */
  @Get('conversions')
  @MinRole('VIEWER')
  @Scopes('analytics.read')
  list(@Param() _params: HandleParams, @Query() query: ListConversionsQuery, @CurrentCaller() caller: Caller): Promise<ConversionListView<ConversionView>> {
    return this.rpc.call(RPCS.conversionList, caller, {}, query);
  }

  @Post('campaigns/:campaignId/test-conversion')
  @HttpCode(201)
  test(@Param() params: CampaignParams, @Body() body: TestConversionBody, @CurrentCaller() caller: Caller): Promise<ConversionView> {
    return this.rpc.call(RPCS.conversionTest, caller, { campaignId: params.campaignId }, body);
  }
}
