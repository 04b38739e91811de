import { Module } from '@nestjs/common';
import { AttributionSweeper } from './attribution-sweeper';
import { ConversionsController } from './conversions.controller';
import { AttributePendingConversions } from './use-cases/attribute-pending-conversions';
import { ListConversions } from './use-cases/list-conversions';
import { RecordConversion } from './use-cases/record-conversion';
import { TestConversion } from './use-cases/test-conversion';

@Module({
  controllers: [ConversionsController],
  providers: [RecordConversion, TestConversion, ListConversions, AttributePendingConversions, AttributionSweeper],
  exports: [AttributePendingConversions, RecordConversion, TestConversion],
})
export class ConversionsModule {}
