import { Module } from '@nestjs/common';
import { ConversionsModule } from '../conversions/conversions.module';
import { ClicksConsumer } from './clicks.consumer';
import { RecordClicks } from './use-cases/record-clicks';

@Module({
  imports: [ConversionsModule],
  providers: [RecordClicks, ClicksConsumer],
})
export class ClicksModule {}
