/**
 * Finds known secrets in text. Every secret the platform issues is made of base64url/hex characters
 * (`fnl_pat_...`, `whsec_...`, a JWT's signature), so the text is cut into runs of those characters
 * and each run is looked up in a set: one pass however many secrets are listed. A secret glued to
 * other such characters is still found by its prefix.
 */
export interface IssuedSecret {
  kind: string;
  value: string;
}

export interface SecretHit {
  where: string;
  kind: string;
  /** The first characters only: a report must not become a leak itself. */
  preview: string;
}

const RUN = /[A-Za-z0-9_-]{16,}/g;
const PREFIXES = ['fnl_pat_', 'whsec_'];

/** What is looked for: the whole secret, or for a JWT its signature (the part that is secret). */
export function needleOf(secret: string): string {
  const parts = secret.split('.');
  return parts.length === 3 && secret.startsWith('eyJ') ? parts[2] : secret;
}

export function parseIssuedSecrets(text: string): IssuedSecret[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(' ');
      return { kind: line.slice(0, space), value: line.slice(space + 1) };
    })
    .filter((s) => s.kind && s.value.length >= 16);
}

export class SecretMatcher {
  private readonly needles = new Map<string, string>();
  private readonly prefixedLengths = new Map<string, Set<number>>();
  readonly hits: SecretHit[] = [];

  constructor(secrets: readonly IssuedSecret[]) {
    for (const { kind, value } of secrets) {
      const needle = needleOf(value);
      if (needle.length < 16 || !/^[A-Za-z0-9_-]+$/.test(needle)) throw new Error(`a ${kind} secret is not a base64url/hex string of 16+ characters`);
      this.needles.set(needle, kind);
      const prefix = PREFIXES.find((p) => needle.startsWith(p));
      if (prefix) this.prefixedLengths.set(prefix, (this.prefixedLengths.get(prefix) ?? new Set()).add(needle.length));
    }
  }

  get size(): number {
    return this.needles.size;
  }

  /** Records a hit for every listed secret found in `text`; returns how many. */
  scan(where: string, text: string): number {
    let found = 0;
    for (const [run] of text.matchAll(RUN)) {
      for (const needle of this.candidates(run)) {
        const kind = this.needles.get(needle);
        if (kind === undefined) continue;
        this.hits.push({ where, kind, preview: `${needle.slice(0, 12)}…` });
        found += 1;
      }
    }
    return found;
  }

  private *candidates(run: string): Generator<string> {
    yield run;
    for (const [prefix, lengths] of this.prefixedLengths) {
      for (let i = run.indexOf(prefix); i !== -1; i = run.indexOf(prefix, i + 1)) {
        for (const length of lengths) {
          const slice = run.slice(i, i + length);
          if (slice !== run && slice.length === length) yield slice;
        }
      }
    }
  }
}
