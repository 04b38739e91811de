import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LinkView, ListLinksQuery, PutLinkBody, RPC, RpcReply, SLUG_PATTERN } from '@funnel/contracts';
import { ifMatchOf } from '../event-store/versioned-write';
import { handleRpc } from '../rpc/handle-rpc';
import { validateBody } from '../rpc/rpc-request';
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
    return handleRpc(this.logger, RPC.linkPut, raw, async (req) => {
      // The path is checked before the body, as a router would.
      const slug = req.params.slug ?? '';
      if (!SLUG_PATTERN.test(slug)) return invalidSlug();
      const body = validateBody(PutLinkBody, req.body);
      if (!body.ok) return body.reply;
      return this.putLink.execute({ handle: req.handle, requestId: req.requestId, slug, body: body.value, ifMatch: ifMatchOf(req.params) });
    });
  }

  @MessagePattern(RPC.linkGet)
  get(@Payload() raw: unknown): Promise<RpcReply<LinkView>> {
    return handleRpc(this.logger, RPC.linkGet, raw, (req) => this.getLink.execute({ handle: req.handle, slug: req.params.slug ?? '' }));
  }

  @MessagePattern(RPC.linkDelete)
  remove(@Payload() raw: unknown): Promise<RpcReply<{ deleted: true; slug: string; version: number }>> {
    return handleRpc(this.logger, RPC.linkDelete, raw, (req) =>
      this.deleteLink.execute({ handle: req.handle, requestId: req.requestId, slug: req.params.slug ?? '', ifMatch: ifMatchOf(req.params) }),
    );
  }

  /** The query string arrives as the request body. */
  @MessagePattern(RPC.linkList)
  list(@Payload() raw: unknown): Promise<RpcReply<{ links: LinkView[]; nextCursor: string | null }>> {
    return handleRpc(this.logger, RPC.linkList, raw, async (req) => {
      const query = validateBody(ListLinksQuery, req.body);
      if (!query.ok) return query.reply;
      return this.listLinks.execute({ handle: req.handle, query: query.value });
    });
  }
}
