import { Module } from '@nestjs/common';
import { LinkTable } from './link-table';
import { SnapshotConsumer } from './snapshot.consumer';

@Module({
  providers: [LinkTable, SnapshotConsumer],
  exports: [LinkTable, SnapshotConsumer],
})
export class LinkTableModule {}
