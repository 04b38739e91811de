// class-transformer's @Type in the contracts reads decorator metadata.
import 'reflect-metadata';
import { LinkUpsertedV1, LinkView, PutLinkBody, Result } from '@funnel/contracts';
import { campaignState, FakeCampaignRepository, FakeLinkRepository, linkState } from '../../../test/fake-repositories';
import { PutLink } from './put-link';

function body(fields: Partial<PutLinkBody>): PutLinkBody {
  return Object.assign(new PutLinkBody(), { destinationUrl: 'https://shop.example.com/spring', ...fields });
}

function data(reply: Result<LinkView>): LinkView {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.value;
}

describe('PutLink', () => {
  let campaigns: FakeCampaignRepository;
  let links: FakeLinkRepository;
  let useCase: PutLink;

  beforeEach(() => {
    campaigns = new FakeCampaignRepository();
    links = new FakeLinkRepository();
    useCase = new PutLink(links, campaigns, { PUBLIC_REDIRECT_BASE_URL: 'https://go.example.com/' });
  });

  it('creates a link in a campaign with the seed tracking policy and a per-handle short URL', async () => {
    campaigns.add(campaignState());
    const view = data(
      await useCase.execute({
        handle: 'acme',
        requestId: 'req-1',
        slug: 'spring-promo',
        body: body({ campaignId: 'spring-launch', trackingPolicy: { mode: 'DIRECT', appendContextParam: true } }),
      }),
    );
    expect(view).toMatchObject({
      slug: 'spring-promo',
      handle: 'acme',
      destinationUrl: 'https://shop.example.com/spring',
      campaignId: 'spring-launch',
      trackingPolicy: { mode: 'DIRECT', appendContextParam: true },
      shortUrl: 'https://go.example.com/acme/spring-promo',
      version: 1,
    });
    expect(links.appended[0]).toMatchObject({ type: LinkUpsertedV1.type, version: 1, aggregateId: 'spring-promo', aggregateVersion: 1 });
  });

  it('defaults the tracking policy to DIRECT without context param and allows no campaign', async () => {
    const view = data(await useCase.execute({ handle: 'acme', requestId: 'r', slug: 'plain', body: body({}) }));
    expect(view.trackingPolicy).toEqual({ mode: 'DIRECT', appendContextParam: false });
    expect(view.campaignId).toBeNull();
  });

  it('replaces an existing link whole, bumping its version and keeping createdAt', async () => {
    const existing = linkState({ version: 3 });
    links.add(existing);
    const view = data(
      await useCase.execute({ handle: 'acme', requestId: 'r', slug: 'spring-promo', body: body({ destinationUrl: 'https://shop.example.com/v2' }) }),
    );
    expect(view).toMatchObject({ version: 4, destinationUrl: 'https://shop.example.com/v2', campaignId: null, createdAt: existing.createdAt.toISOString() });
    expect(links.appended[0].aggregateVersion).toBe(4);
  });

  it("answers 404 campaign_not_found for an unknown campaign or another handle's campaign", async () => {
    campaigns.add(campaignState({ handle: 'other' }));
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', slug: 'spring-promo', body: body({ campaignId: 'spring-launch' }) });
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'campaign_not_found' }) });
    expect(links.appended).toHaveLength(0);
  });

  it.each(['', '-x', 'a/b', 'a'.repeat(65), 'with space'])('answers 400 invalid_slug for %p', async (slug) => {
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', slug, body: body({}) });
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_slug' }) });
  });

  it('decides again on the new version when another writer bumped it between load and append (no lost write)', async () => {
    links.add(linkState({ version: 1 }));
    links.beforeSave = () => {
      links.beforeSave = undefined;
      links.add(linkState({ version: 2 }));
    };
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', slug: 'spring-promo', body: body({}) });
    expect(reply).toMatchObject({ ok: true, value: { version: 3 } });
    expect(links.appended.map((e) => e.aggregateVersion)).toEqual([3]);
  });

  it('answers 412 precondition_failed for a stale If-Match and changes nothing', async () => {
    links.add(linkState({ version: 2 }));
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', slug: 'spring-promo', body: body({}), ifMatch: 1 });
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'precondition_failed' }) });
    expect(links.appended).toHaveLength(0);
  });

  it('answers 412 when a writer with the right If-Match loses the race at commit', async () => {
    links.add(linkState({ version: 1 }));
    links.beforeSave = () => {
      links.beforeSave = undefined;
      links.add(linkState({ version: 2 }));
    };
    const reply = await useCase.execute({ handle: 'acme', requestId: 'r', slug: 'spring-promo', body: body({}), ifMatch: 1 });
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'precondition_failed', details: { currentVersion: 2 } }) });
  });
});
