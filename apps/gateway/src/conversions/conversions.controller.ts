import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ConversionView, RecordConversionBody, RPC, TestConversionBody } from '@funnel/contracts';
import { Caller, CurrentCaller } from '../auth/caller.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { MinRole } from '../auth/min-role.decorator';
import { CampaignParams, HandleParams } from '../http/route-params';
import { RpcClient } from '../rpc/rpc.client';

/** Conversions, real and test, are owned by the conversion-service. */
@Controller('v2/handles/:handle')
@UseGuards(JwtAuthGuard)
@MinRole('CREATOR')
export class ConversionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('conversions')
  @HttpCode(201)
  record(@Param() _params: HandleParams, @Body() body: RecordConversionBody, @CurrentCaller() caller: Caller): Promise<ConversionView> {
    return this.rpc.call(RPC.conversionRecord, caller, {}, body);
  }

  @Post('campaigns/:campaignId/test-conversion')
  @HttpCode(201)
  test(@Param() params: CampaignParams, @Body() body: TestConversionBody, @CurrentCaller() caller: Caller): Promise<ConversionView> {
    return this.rpc.call(RPC.conversionTest, caller, { campaignId: params.campaignId }, body);
  }
}
