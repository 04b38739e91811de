import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LinkView, PutLinkBody, RPC, RpcReply, SLUG_PATTERN } from '@funnel/contracts';
import { handleRpc } from '../rpc/handle-rpc';
import { validateBody } from '../rpc/rpc-request';
import { invalidSlug, PutLink } from './use-cases/put-link';

@Controller()
export class LinksController {
  private readonly logger = new Logger(LinksController.name);

  constructor(private readonly putLink: PutLink) {}

  @MessagePattern(RPC.linkPut)
  put(@Payload() raw: unknown): Promise<RpcReply<LinkView>> {
    return handleRpc(this.logger, RPC.linkPut, raw, async (req) => {
      // The path is checked before the body, as a router would.
      const slug = req.params.slug ?? '';
      if (!SLUG_PATTERN.test(slug)) return invalidSlug();
      const body = validateBody(PutLinkBody, req.body);
      if (!body.ok) return body.reply;
      return this.putLink.execute({ handle: req.handle, requestId: req.requestId, slug, body: body.value });
    });
  }
}
