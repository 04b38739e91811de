import { Injectable } from '@nestjs/common';
import { Envelope } from '@funnel/contracts';
import { ConcurrencyError } from '../platform/event-store/concurrency.error';
import { EventStore } from '../platform/event-store/event-store';
import { PrismaService } from '../platform/event-store/prisma.service';
import { Token as TokenRow } from '../generated/prisma/client';
import { TOKEN_AGGREGATE, TokenState } from './token';

export abstract class TokenRepository {
  abstract find(handle: string, tokenId: string): Promise<TokenState | null>;
  /** Any handle: the hash alone identifies a token. */
  abstract findByHash(secretHash: string): Promise<TokenState | null>;
  abstract list(handle: string): Promise<TokenState[]>;
  abstract save(state: TokenState, events: Array<Envelope<object>>): Promise<void>;
}

function toState(row: TokenRow): TokenState {
  return { ...row, scopes: [...row.scopes] };
}

@Injectable()
export class PrismaTokenRepository extends TokenRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventStore,
  ) {
    super();
  }

  async find(handle: string, tokenId: string): Promise<TokenState | null> {
    const row = await this.prisma.token.findUnique({ where: { handle_tokenId: { handle, tokenId } } });
    return row ? toState(row) : null;
  }

  async findByHash(secretHash: string): Promise<TokenState | null> {
    const row = await this.prisma.token.findUnique({ where: { secretHash } });
    return row ? toState(row) : null;
  }

  async list(handle: string): Promise<TokenState[]> {
    const rows = await this.prisma.token.findMany({ where: { handle }, orderBy: [{ createdAt: 'desc' }, { tokenId: 'asc' }] });
    return rows.map(toState);
  }

  async save(state: TokenState, events: Array<Envelope<object>>): Promise<void> {
    const previousVersion = state.version - events.length;
    await this.events.commit({
      aggregateType: TOKEN_AGGREGATE,
      events,
      project: async (tx) => {
        if (previousVersion === 0) {
          await tx.token.create({ data: state });
          return;
        }
        const { count } = await tx.token.updateMany({ where: { handle: state.handle, tokenId: state.tokenId, version: previousVersion }, data: state });
        if (count !== 1) throw new ConcurrencyError(TOKEN_AGGREGATE, state.handle, state.tokenId);
      },
      // Token events carry the secret's hash: they stay in this service's store and are not published.
      outbox: [],
    });
  }
}
