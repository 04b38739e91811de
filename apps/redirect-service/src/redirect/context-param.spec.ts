import 'reflect-metadata';
import { CONTEXT_PARAM } from '@funnel/contracts';
import { appendContextParam } from './context-param';

const id = '0190b0e6-7a4c-7d3e-9f10-1234567890ab';

describe('appendContextParam', () => {
  it.each([
    ['https://shop.example.com/spring', `https://shop.example.com/spring?${CONTEXT_PARAM}=${id}`],
    ['https://shop.example.com/spring?ref=x&a=1', `https://shop.example.com/spring?ref=x&a=1&${CONTEXT_PARAM}=${id}`],
    ['https://shop.example.com/spring?ref=x#top', `https://shop.example.com/spring?ref=x&${CONTEXT_PARAM}=${id}#top`],
    ['https://shop.example.com/spring#a?b=c', `https://shop.example.com/spring?${CONTEXT_PARAM}=${id}#a?b=c`],
    ['https://shop.example.com/?', `https://shop.example.com/?${CONTEXT_PARAM}=${id}`],
    ['https://shop.example.com/?a=1&', `https://shop.example.com/?a=1&${CONTEXT_PARAM}=${id}`],
    ['https://shop.example.com/p?q=a%20b#', `https://shop.example.com/p?q=a%20b&${CONTEXT_PARAM}=${id}#`],
  ])('%s', (destination, expected) => {
    expect(appendContextParam(destination, id)).toBe(expected);
  });

  it('leaves the rest of the URL byte for byte as registered', () => {
    const destination = 'https://shop.example.com/a/../B?utm_source=x&x=%7E#frag';
    const out = new URL(appendContextParam(destination, id));
    expect(out.searchParams.get(CONTEXT_PARAM)).toBe(id);
    expect(out.searchParams.get('utm_source')).toBe('x');
    expect(appendContextParam(destination, id).startsWith('https://shop.example.com/a/../B?utm_source=x&x=%7E&')).toBe(true);
  });
});
