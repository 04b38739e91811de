const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

/**
 * Node refuses non-ASCII header values, so an internationalised destination is sent in its
 * equivalent ASCII form (punycode host, percent-encoded path). Done once, when the snapshot
 * is loaded; plain ASCII URLs are kept byte for byte as registered.
 */
export function toHeaderSafeUrl(url: string): string {
  return PRINTABLE_ASCII.test(url) ? url : new URL(url).href;
}
