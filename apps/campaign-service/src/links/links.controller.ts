import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LinkView, RPC, RPCS, RpcReply, SLUG_PATTERN } from '@funnel/contracts';
import { ifMatchOf } from '../platform/event-store/versioned-write';
import { serve } from '../platform/rpc/serve';
import { DeleteLink, GetLink, ListLinks } from './use-cases/link-commands';
import { invalidSlug, PutLink } from './use-cases/put-link';

@Controller()
export class LinksController {
  private readonly logger = new Logger(LinksController.name);

  constructor(
    private readonly putLink: PutLink,
    private readonly getLink: GetLink,
    private readonly deleteLink: DeleteLink,
    private readonly listLinks: ListLinks,
  ) {}

  @MessagePattern(RPC.linkPut)
  put(@Payload() raw: unknown): Promise<RpcReply<LinkView>> {
    return serve(this.logger, RPCS.linkPut, raw, async (req) => {
      // The path is checked before the body, as a router would.
      const slug = req.params.slug ?? '';
      if (!SLUG_PATTERN.test(slug)) return invalidSlug();
      return this.putLink.execute({ handle: req.handle, requestId: req.requestId, slug, body: req.body, ifMatch: ifMatchOf(req.params) });
    });
  }

  @MessagePattern(RPC.linkGet)
  get(@Payload() raw: unknown): Promise<RpcReply<LinkView>> {
    return serve(this.logger, RPCS.linkGet, raw, (req) => this.getLink.execute({ handle: req.handle, slug: req.params.slug ?? '' }));
  }

  @MessagePattern(RPC.linkDelete)
  remove(@Payload() raw: unknown): Promise<RpcReply<{ deleted: true; slug: string; version: number }>> {
    return serve(this.logger, RPCS.linkDelete, raw, (req) =>
      this.deleteLink.execute({ handle: req.handle, requestId: req.requestId, slug: req.params.slug ?? '', ifMatch: ifMatchOf(req.params) }),
    );
  }

  /** The query string arrives as the request body. */
  @MessagePattern(RPC.linkList)
  list(@Payload() raw: unknown): Promise<RpcReply<{ links: LinkView[]; nextCursor: string | null }>> {
    return serve(this.logger, RPCS.linkList, raw, async (req) => {
      return this.listLinks.execute({ handle: req.handle, query: req.body });
    });
  }
}
