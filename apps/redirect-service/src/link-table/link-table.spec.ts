import { LinkTable } from './link-table';
import { campaignSnapshot, linkSnapshot } from '../../test/fixtures';

describe('LinkTable', () => {
  let table: LinkTable;
  beforeEach(() => {
    table = new LinkTable();
  });

  it('resolves a link by handle and slug, tracked only while its campaign is ACTIVE', () => {
    expect(table.putLink(linkSnapshot())).toBe('applied');
    expect(table.resolve('acme', 'spring')).toMatchObject({ tracked: false, link: { location: 'https://shop.example.com/spring?ref=x#top' } });
    table.putCampaign(campaignSnapshot({ status: 'DRAFT' }));
    expect(table.resolve('acme', 'spring')?.tracked).toBe(false);
    table.putCampaign(campaignSnapshot({ status: 'ACTIVE', version: 2 }));
    expect(table.resolve('acme', 'spring')?.tracked).toBe(true);
    table.putCampaign(campaignSnapshot({ status: 'PAUSED', version: 3 }));
    expect(table.resolve('acme', 'spring')?.tracked).toBe(false);
  });

  it('keeps tenants apart: the same slug and campaign id under another handle is another link', () => {
    table.putLink(linkSnapshot());
    table.putCampaign(campaignSnapshot({ handle: 'other' }));
    expect(table.resolve('other', 'spring')).toBeUndefined();
    expect(table.resolve('acme', 'spring')?.tracked).toBe(false);
  });

  it('treats a link without campaign, or with an unknown campaign or status, as untracked', () => {
    table.putLink(linkSnapshot({ slug: 'plain', campaignId: null }));
    table.putLink(linkSnapshot({ slug: 'orphan', campaignId: 'nobody-here' }));
    table.putLink(linkSnapshot({ slug: 'odd', campaignId: 'odd-one' }));
    table.putCampaign({ ...campaignSnapshot({ campaignId: 'odd-one' }), status: 'ARCHIVED' as never });
    for (const slug of ['plain', 'orphan', 'odd']) expect(table.resolve('acme', slug)?.tracked).toBe(false);
  });

  it('ignores snapshots older than or as old as the one held', () => {
    table.putLink(linkSnapshot({ version: 3, destinationUrl: 'https://v3.example.com/' }));
    expect(table.putLink(linkSnapshot({ version: 2, destinationUrl: 'https://v2.example.com/' }))).toBe('stale');
    expect(table.putLink(linkSnapshot({ version: 3, destinationUrl: 'https://v3b.example.com/' }))).toBe('stale');
    expect(table.resolve('acme', 'spring')?.link.location).toBe('https://v3.example.com/');
    expect(table.putLink(linkSnapshot({ version: 4, destinationUrl: 'https://v4.example.com/' }))).toBe('applied');
    expect(table.resolve('acme', 'spring')?.link.location).toBe('https://v4.example.com/');

    table.putCampaign(campaignSnapshot({ version: 5, status: 'PAUSED' }));
    expect(table.putCampaign(campaignSnapshot({ version: 4, status: 'ACTIVE' }))).toBe('stale');
    expect(table.resolve('acme', 'spring')?.tracked).toBe(false);
  });

  it('removes entries on tombstones, after which any version is accepted again', () => {
    table.putLink(linkSnapshot({ version: 7 }));
    table.putCampaign(campaignSnapshot({ version: 7 }));
    expect(table.deleteCampaign('acme/spring-launch')).toBe('deleted');
    expect(table.resolve('acme', 'spring')?.tracked).toBe(false);
    expect(table.deleteLink('acme/spring')).toBe('deleted');
    expect(table.resolve('acme', 'spring')).toBeUndefined();
    expect(table.deleteLink('acme/spring')).toBe('absent');
    expect(table.putLink(linkSnapshot({ version: 1 }))).toBe('applied');
    expect(table.linkCount).toBe(1);
  });

  it('turns an internationalised destination into its ASCII form, once', () => {
    table.putLink(linkSnapshot({ destinationUrl: 'https://bücher.example/straße?q=ü' }));
    expect(table.resolve('acme', 'spring')?.link.location).toBe('https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC');
  });

  it('is not ready until told so', () => {
    expect(table.ready).toBe(false);
    table.markReady();
    expect(table.ready).toBe(true);
  });
});
