import 'reflect-metadata';
import { scopesAllow } from './principal';

describe('scopesAllow', () => {
  it('needs every required scope, exactly or through its family wildcard', () => {
    expect(scopesAllow(['campaigns.read'], ['campaigns.read'])).toBe(true);
    expect(scopesAllow(['campaigns.read'], ['campaigns.write'])).toBe(false);
    expect(scopesAllow(['analytics.*'], ['analytics.read'])).toBe(true);
    expect(scopesAllow(['analytics.*'], ['campaigns.read'])).toBe(false);
    expect(scopesAllow(['campaigns.read', 'pages.write'], ['campaigns.read', 'pages.write'])).toBe(true);
    expect(scopesAllow(['campaigns.read'], ['campaigns.read', 'pages.write'])).toBe(false);
  });

  it('refuses when a route declares no scope (PATs only reach routes that name one)', () => {
    expect(scopesAllow(['campaigns.read', 'analytics.*'], [])).toBe(false);
  });

  it('does not treat a wildcard-looking required scope specially', () => {
    expect(scopesAllow(['campaigns.read'], ['campaigns.*'])).toBe(false);
  });
});
