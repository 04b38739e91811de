import { checkWebhookUrl, classifyAddress, HostResolver, originForLog, parseIpv6 } from './url-safety';

const resolver = (table: Record<string, string[]>): HostResolver => async (host) => {
  const found = table[host];
  if (!found) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
  return found;
};

describe('classifyAddress', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'private'],
    ['127.255.0.9', 'private'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['0.0.0.0', 'private'],
    ['169.254.169.254', 'forbidden'],
    ['169.254.0.1', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
    ['::1', 'private'],
    ['::', 'private'],
    ['fd00::1', 'private'],
    ['fe80::1', 'forbidden'],
    ['febf::1', 'forbidden'],
    ['fe80::1%eth0', 'forbidden'],
    ['ff02::1', 'forbidden'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:127.0.0.1', 'private'],
    ['::ffff:7f00:1', 'private'],
    ['::ffff:169.254.169.254', 'forbidden'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'forbidden'],
    ['2002:a9fe:a9fe::1', 'forbidden'],
    // NAT64 local-use prefix (RFC 8215)
    ['64:ff9b:1::a9fe:a9fe', 'forbidden'],
    ['64:ff9b:1::7f00:1', 'private'],
    ['64:ff9b:1::808:808', 'public'],
    // Teredo: server 65.54.227.120, client address inverted in the last 32 bits
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'private'],
    ['2001:0:4136:e378::5601:5601', 'forbidden'],
    ['2001:0:4136:e378::f7f7:f7f7', 'public'],
    ['2001:0:a9fe:a9fe::f7f7:f7f7', 'forbidden'],
    ['not-an-ip', 'forbidden'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('parses IPv6 forms', () => {
    expect(parseIpv6('::1')).toBe(1n);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
    expect(parseIpv6('1::2::3')).toBeNull();
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeNull();
  });
});

describe('checkWebhookUrl', () => {
  const resolve = resolver({
    'hooks.example.com': ['93.184.216.34'],
    'localhost': ['127.0.0.1', '::1'],
    'internal.example.com': ['10.0.0.5'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.5'],
    'metadata.example.com': ['169.254.169.254'],
    'v6ll.example.com': ['fe80::1'],
  });

  it('accepts a public host', async () => {
    await expect(checkWebhookUrl('https://hooks.example.com/x', { allowPrivate: false, resolve })).resolves.toEqual({ ok: true });
  });

  it('refuses loopback and private hosts unless allowed', async () => {
    for (const url of ['http://localhost:8080/hook', 'http://internal.example.com/', 'http://127.0.0.1/', 'http://[::1]:9000/', 'http://mixed.example.com/']) {
      const refused = await checkWebhookUrl(url, { allowPrivate: false, resolve });
      expect(refused.ok).toBe(false);
      await expect(checkWebhookUrl(url, { allowPrivate: true, resolve })).resolves.toEqual({ ok: true });
    }
  });

  it('always refuses link-local hosts', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://metadata.example.com/', 'http://[fe80::1]/', 'http://v6ll.example.com/', 'http://[::ffff:169.254.169.254]/']) {
      const check = await checkWebhookUrl(url, { allowPrivate: true, resolve });
      expect(check).toEqual({ ok: false, reason: expect.stringContaining('link-local') });
    }
  });

  it('normalizes numeric host spellings before judging them', async () => {
    // The WHATWG parser turns 0x7f.1 and 2130706433 into 127.0.0.1.
    expect((await checkWebhookUrl('http://0x7f.1/', { allowPrivate: false, resolve })).ok).toBe(false);
    expect((await checkWebhookUrl('http://2130706433/', { allowPrivate: false, resolve })).ok).toBe(false);
  });

  it('refuses hosts that do not resolve, credentials and other schemes', async () => {
    expect(await checkWebhookUrl('https://nowhere.invalid/', { allowPrivate: true, resolve })).toEqual({ ok: false, reason: expect.stringContaining('does not resolve') });
    expect((await checkWebhookUrl('https://user:pw@hooks.example.com/', { allowPrivate: false, resolve })).ok).toBe(false);
    expect((await checkWebhookUrl('ftp://hooks.example.com/', { allowPrivate: false, resolve })).ok).toBe(false);
  });
});

describe('originForLog', () => {
  it('keeps scheme and host, never the path, query or credentials', () => {
    expect(originForLog('https://hooks.example.com:8443/t/SECRET?token=abc')).toBe('https://hooks.example.com:8443');
    expect(originForLog('http://user:pw@[::1]:9999/x')).toBe('http://[::1]:9999');
    expect(originForLog('nonsense')).toBe('(unparseable url)');
  });
});
