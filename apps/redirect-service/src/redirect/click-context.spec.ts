import 'reflect-metadata';
import { DeviceClass } from '@funnel/contracts';
import { buildClickContext, classifySource, detectBot, normalizeCountry, truncate } from './click-context';

const UA = {
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  windowsChrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  macSafari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  slackbot: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  twitterbot: 'Twitterbot/1.0',
  facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  linkedin: 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  whatsapp: 'WhatsApp/2.23.20.0 A',
  curl: 'curl/8.5.0',
  empty: '',
};

const base = { referrer: undefined, utmSource: undefined, countryHeader: undefined };

describe('click context: device and bot verdict per user agent', () => {
  const table: Array<[keyof typeof UA, DeviceClass, string | null]> = [
    ['iphoneSafari', 'mobile', null],
    ['androidChrome', 'mobile', null],
    ['ipad', 'tablet', null],
    ['windowsChrome', 'desktop', null],
    ['macSafari', 'desktop', null],
    ['googlebot', 'bot', 'crawler_user_agent'],
    ['bingbot', 'bot', 'crawler_user_agent'],
    ['slackbot', 'bot', 'crawler_user_agent'],
    ['twitterbot', 'bot', 'crawler_user_agent'],
    ['facebook', 'bot', 'crawler_user_agent'],
    ['linkedin', 'bot', 'crawler_user_agent'],
    ['whatsapp', 'bot', 'crawler_user_agent'],
    ['curl', 'other', null],
    ['empty', 'other', 'empty_user_agent'],
  ];

  it.each(table)('%s → device %s, bot reason %s', (name, device, botReason) => {
    const context = buildClickContext({ ...base, method: 'GET', userAgent: UA[name] });
    expect(context.device).toBe(device);
    expect(context.botReason).toBe(botReason);
    expect(context.isBot).toBe(botReason !== null);
    expect(context.userAgent).toBe(UA[name]);
  });

  it('gives the same verdict from the cache as from a fresh parse', () => {
    for (let i = 0; i < 3; i++) expect(buildClickContext({ ...base, method: 'GET', userAgent: UA.ipad }).device).toBe('tablet');
  });

  it('treats a missing or blank user agent as an empty one', () => {
    expect(buildClickContext({ ...base, method: 'GET', userAgent: undefined })).toMatchObject({ userAgent: '', device: 'other', botReason: 'empty_user_agent' });
    expect(detectBot('GET', '   ')).toBe('empty_user_agent');
  });

  it('flags HEAD requests as bots but keeps the device of the user agent', () => {
    const context = buildClickContext({ ...base, method: 'HEAD', userAgent: UA.iphoneSafari });
    expect(context).toMatchObject({ isBot: true, botReason: 'head_request', device: 'mobile' });
  });

  it('truncates user agent and referrer to the event limits', () => {
    const context = buildClickContext({ ...base, method: 'GET', userAgent: `${UA.windowsChrome} ${'x'.repeat(2000)}`, referrer: `https://a.example/${'p'.repeat(3000)}` });
    expect(context.userAgent).toHaveLength(1024);
    expect(context.referrer).toHaveLength(2048);
    expect(context.device).toBe('desktop');
  });

  it('never cuts a surrogate pair in half', () => {
    expect(truncate('ab😀', 3)).toBe('ab');
    expect(truncate('ab😀', 4)).toBe('ab😀');
  });
});

describe('click context: source', () => {
  it.each([
    ['Newsletter', '', 'newsletter'],
    ['  Email ', 'https://www.google.com/', 'email'],
    [undefined, 'https://www.google.com/search?q=x', 'google.com'],
    [undefined, 'https://news.ycombinator.com/item?id=1', 'news.ycombinator.com'],
    [undefined, 'HTTP://WWW.Example.COM:8080/path', 'example.com'],
    ['', 'https://t.co/abc', 't.co'],
    ['   ', '', 'direct'],
    [undefined, '', 'direct'],
    [undefined, 'not a url', 'direct'],
    [undefined, 'android-app://com.slack/', 'direct'],
  ])('utm_source %j with referrer %j → %s', (utm, referrer, expected) => {
    expect(classifySource(utm, referrer)).toBe(expected);
  });

  it('truncates a long utm_source', () => {
    expect(classifySource('S'.repeat(1000), '')).toBe('s'.repeat(256));
  });
});

describe('click context: country header', () => {
  it.each([
    ['US', 'US'],
    ['gb', 'GB'],
    [' de ', 'DE'],
    ['XX', ''],
    ['xx', ''],
    ['T1', ''],
    ['USA', ''],
    ['1A', ''],
    ['', ''],
    [undefined, ''],
  ])('%j → %j', (header, expected) => {
    expect(normalizeCountry(header)).toBe(expected);
  });
});
