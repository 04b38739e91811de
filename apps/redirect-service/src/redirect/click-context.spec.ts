import 'reflect-metadata';
import { DeviceClass } from '@funnel/contracts';
import { detectBot } from './bot-detection';
import { buildClickContext, normalizeCountry, truncate } from './click-context';
import { countryOfIp } from './geo-ip';
import { classifyReferrer, classifySource } from './source';

/** Real-world user agents, as sent by the browsers, crawlers and preview fetchers named. */
const UA = {
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  iphoneInstagram:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 328.0.3.19.90 (iPhone14,5; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 590245325)',
  iphoneFacebookApp:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/459.0.0.37.102;FBBV/590945398;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  samsungInternet:
    'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  windowsChrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  macSafari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.155 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  yandex: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  ahrefs: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  gptbot: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; GPTBot/1.2; +https://openai.com/gptbot',
  headlessChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36',
  curl: 'curl/8.5.0',
  pythonRequests: 'python-requests/2.31.0',
  slackbot: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  twitterbot: 'Twitterbot/1.0',
  facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  linkedin: 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  whatsapp: 'WhatsApp/2.23.20.0 A',
  discord: 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  telegram: 'TelegramBot (like TwitterBot)',
  skype: 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com',
  empty: '',
};

const base = { referrer: undefined, utmSource: undefined, countryHeader: undefined };

describe('click context: device and bot verdict on real-world user agents', () => {
  const table: Array<[keyof typeof UA, DeviceClass, string | null]> = [
    ['iphoneSafari', 'mobile', null],
    ['iphoneInstagram', 'mobile', null],
    ['iphoneFacebookApp', 'mobile', null],
    ['androidChrome', 'mobile', null],
    ['samsungInternet', 'mobile', null],
    ['ipad', 'tablet', null],
    ['androidTablet', 'tablet', null],
    ['windowsChrome', 'desktop', null],
    ['windowsEdge', 'desktop', null],
    ['linuxFirefox', 'desktop', null],
    ['macSafari', 'desktop', null],
    ['googlebot', 'bot', 'crawler_user_agent'],
    ['googlebotSmartphone', 'bot', 'crawler_user_agent'],
    ['bingbot', 'bot', 'crawler_user_agent'],
    ['yandex', 'bot', 'crawler_user_agent'],
    ['ahrefs', 'bot', 'crawler_user_agent'],
    ['gptbot', 'bot', 'crawler_user_agent'],
    ['headlessChrome', 'bot', 'crawler_user_agent'],
    ['curl', 'bot', 'crawler_user_agent'],
    ['pythonRequests', 'bot', 'crawler_user_agent'],
    ['slackbot', 'bot', 'link_preview'],
    ['twitterbot', 'bot', 'link_preview'],
    ['facebook', 'bot', 'link_preview'],
    ['linkedin', 'bot', 'link_preview'],
    ['whatsapp', 'bot', 'link_preview'],
    ['discord', 'bot', 'link_preview'],
    ['telegram', 'bot', 'link_preview'],
    ['skype', 'bot', 'link_preview'],
    ['empty', 'other', 'empty_user_agent'],
  ];

  it.each(table)('%s → device %s, bot reason %s', (name, device, botReason) => {
    const context = buildClickContext({ ...base, method: 'GET', userAgent: UA[name] });
    expect(context.device).toBe(device);
    expect(context.botReason).toBe(botReason);
    expect(context.isBot).toBe(botReason !== null);
    expect(context.userAgent).toBe(UA[name]);
  });

  it.each([
    ['iphoneSafari', 'Mobile Safari', 'iOS'],
    ['androidChrome', 'Chrome', 'Android'],
    ['samsungInternet', 'Samsung Internet', 'Android'],
    ['windowsEdge', 'Edge', 'Windows'],
    ['linuxFirefox', 'Firefox', 'Linux'],
    ['macSafari', 'Safari', 'Mac OS'],
    ['empty', '', ''],
  ] as Array<[keyof typeof UA, string, string]>)('%s → browser %s on %s', (name, browser, os) => {
    const context = buildClickContext({ ...base, method: 'GET', userAgent: UA[name] });
    expect([context.browser, context.os]).toEqual([browser, os]);
  });

  it('gives the same verdict from the cache as from a fresh parse', () => {
    for (let i = 0; i < 3; i++) expect(buildClickContext({ ...base, method: 'GET', userAgent: UA.ipad }).device).toBe('tablet');
    for (let i = 0; i < 3; i++) expect(detectBot('GET', UA.googlebot, false)).toBe('crawler_user_agent');
  });

  it('treats a missing or blank user agent as an empty one', () => {
    expect(buildClickContext({ ...base, method: 'GET', userAgent: undefined })).toMatchObject({ userAgent: '', device: 'other', botReason: 'empty_user_agent' });
    expect(detectBot('GET', '   ', false)).toBe('empty_user_agent');
  });

  it('flags HEAD requests as bots but keeps the device of the user agent', () => {
    const context = buildClickContext({ ...base, method: 'HEAD', userAgent: UA.iphoneSafari });
    expect(context).toMatchObject({ isBot: true, botReason: 'head_request', device: 'mobile' });
  });

  it('flags an abnormal click rate only for agents not already named bots, keeping their device', () => {
    expect(buildClickContext({ ...base, method: 'GET', userAgent: UA.androidChrome }, true)).toMatchObject({ isBot: true, botReason: 'click_rate', device: 'mobile' });
    expect(buildClickContext({ ...base, method: 'GET', userAgent: UA.googlebot }, true).botReason).toBe('crawler_user_agent');
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
    ['', 'https://t.co/abc', 'social'],
    ['   ', '', 'direct'],
  ])('utm_source %j with referrer %j → %s', (utm, referrer, expected) => {
    expect(classifySource(utm, referrer)).toBe(expected);
  });

  it.each([
    ['https://www.google.com/search?q=x', 'search'],
    ['https://www.google.co.uk/', 'search'],
    ['https://news.google.de/', 'search'],
    ['https://www.bing.com/search?q=x', 'search'],
    ['https://duckduckgo.com/', 'search'],
    ['https://search.yahoo.com/search?p=x', 'search'],
    ['https://yandex.ru/search/', 'search'],
    ['https://mail.google.com/mail/u/0/', 'email'],
    ['https://outlook.live.com/mail/0/inbox', 'email'],
    ['https://outlook.office365.com/', 'email'],
    ['https://webmail.example.net/', 'email'],
    ['https://mail.yahoo.com/', 'email'],
    ['https://l.facebook.com/l.php?u=x', 'social'],
    ['https://m.facebook.com/', 'social'],
    ['https://t.co/abc', 'social'],
    ['https://www.linkedin.com/feed/', 'social'],
    ['https://www.reddit.com/r/x', 'social'],
    ['https://www.youtube.com/watch?v=x', 'social'],
    ['https://www.instagram.com/', 'social'],
    ['https://news.ycombinator.com/item?id=1', 'referral'],
    ['https://notgoogle.com/', 'referral'],
    ['https://google.evil.example/', 'referral'],
    ['HTTP://WWW.Example.COM:8080/path', 'referral'],
    ['', 'direct'],
    ['not a url', 'direct'],
    ['android-app://com.slack/', 'direct'],
  ])('referrer %j → %s', (referrer, expected) => {
    expect(classifyReferrer(referrer)).toBe(expected);
  });

  it('truncates a long utm_source', () => {
    expect(classifySource('S'.repeat(1000), '')).toBe('s'.repeat(256));
  });
});

describe('click context: country', () => {
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
  ])('header %j → %j', (header, expected) => {
    expect(normalizeCountry(header)).toBe(expected);
  });

  it('falls back to the offline GeoIP database by client address when the header says nothing', () => {
    expect(countryOfIp('8.8.8.8')).toBe('US');
    expect(countryOfIp('::ffff:81.2.69.142')).toBe('GB');
    expect(countryOfIp('2a00:1450:4001::1')).toBe('DE');
    expect(countryOfIp('127.0.0.1')).toBe('');
    expect(countryOfIp('10.1.2.3')).toBe('');
    expect(countryOfIp(undefined)).toBe('');
    expect(buildClickContext({ ...base, method: 'GET', userAgent: UA.macSafari, ip: '81.2.69.142' }).country).toBe('GB');
    expect(buildClickContext({ ...base, method: 'GET', userAgent: UA.macSafari, ip: '81.2.69.142', countryHeader: 'fr' }).country).toBe('FR');
    expect(buildClickContext({ ...base, method: 'GET', userAgent: UA.macSafari, ip: '81.2.69.142', countryHeader: 'XX' }).country).toBe('GB');
  });
});
