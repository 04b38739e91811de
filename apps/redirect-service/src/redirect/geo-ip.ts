/**
 * Country of an IP address from the GeoLite2 country database shipped inside the
 * `geoip-country` npm package: read from the package's files into memory once (~8 MB, ~50 ms),
 * never downloaded at install or run time. Lookups are in-memory binary searches (~1-2 µs).
 */
interface GeoIpCountry {
  lookup(ip: string): { country?: string } | null;
}

let database: GeoIpCountry | undefined;

/** Loads the database now, so the first click does not pay for it (called at boot). */
export function loadGeoIp(): void {
  // The package has no type declarations; its one function is typed above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  database ??= require('geoip-country') as GeoIpCountry;
}

/** ISO 3166-1 alpha-2 upper case, or "" for private, reserved or unknown addresses. */
export function countryOfIp(ip: string | undefined): string {
  if (!ip) return '';
  loadGeoIp();
  const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const country = (database as GeoIpCountry).lookup(address)?.country;
  return country && /^[A-Z]{2}$/.test(country) ? country : '';
}
