import { Module } from '@nestjs/common';
import { PrismaTokenRepository, TokenRepository } from './token.repository';
import { TokensController } from './tokens.controller';
import { CreateToken, ListTokens, RevokeToken, VerifyToken } from './use-cases/token-commands';

@Module({
  controllers: [TokensController],
  providers: [{ provide: TokenRepository, useClass: PrismaTokenRepository }, CreateToken, ListTokens, RevokeToken, VerifyToken],
})
export class TokensModule {}
