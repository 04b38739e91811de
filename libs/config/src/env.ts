import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import { parseTrustedProxies } from './trusted-proxies';

/**
 * Environment variables, one class per concern. Each app composes the ones it uses
 * (see each app's `*.config.ts`). docker-compose.yml is checked against these names by a test.
 */
// Conversions are explicit: env values are strings, and reflection metadata is not relied on.
function port(target: object, key: string): void {
  for (const decorate of [Type(() => Number), IsInt(), Min(1), Max(65535)]) decorate(target, key);
}
const AsNumber = () => Type(() => Number);
const AsBoolean = () => Transform(({ value }) => value === true || value === 'true' || value === '1');

export class CommonEnv {
  @IsIn(['development', 'test', 'production']) NODE_ENV = 'development';
  @IsIn(['debug', 'log', 'warn', 'error']) LOG_LEVEL = 'log';
  /** Interface the HTTP server binds to (0.0.0.0 in containers). */
  @IsString() @IsNotEmpty() HOST = '127.0.0.1';
  /**
   * Proxies whose X-Forwarded-For is believed: empty = none (the socket peer is the client), a hop
   * count, or a comma-separated list of addresses/CIDRs. See trusted-proxies.ts.
   */
  @IsString() @IsTrustedProxies() TRUSTED_PROXIES = '';
}

function IsTrustedProxies() {
  return ValidateBy({
    name: 'isTrustedProxies',
    validator: {
      validate: (value: unknown) => {
        try {
          parseTrustedProxies(String(value));
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'TRUSTED_PROXIES must be empty, a hop count 1-16, or a comma-separated list of IP addresses/CIDRs',
    },
  });
}

export class KafkaEnv extends CommonEnv {
  /** Comma-separated host:port list. */
  @Matches(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS = '127.0.0.1:9092';
  /**
   * SASL mechanism towards the brokers: empty = none (only the local stack on loopback), or SCRAM.
   * Production sets it with the two credentials below (docs/deploy.md); one without the other stops the boot.
   */
  @IsIn(['', 'scram-sha-256', 'scram-sha-512']) @SaslCredentialsMatchMechanism()
  KAFKA_SASL_MECHANISM: '' | 'scram-sha-256' | 'scram-sha-512' = '';
  @IsString() KAFKA_SASL_USERNAME = '';
  @IsString() KAFKA_SASL_PASSWORD = '';
  /** TLS to the brokers (system CAs; NODE_EXTRA_CA_CERTS adds a private one). */
  @AsBoolean() @IsBoolean() KAFKA_SSL = false;
}

/** A mechanism needs both credentials, and credentials without a mechanism would be silently unused. */
function SaslCredentialsMatchMechanism() {
  return ValidateBy({
    name: 'saslCredentialsMatchMechanism',
    validator: {
      validate: (mechanism: unknown, args) => {
        const env = args?.object as { KAFKA_SASL_USERNAME?: string; KAFKA_SASL_PASSWORD?: string };
        const given = [env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD].filter((v) => typeof v === 'string' && v !== '').length;
        return mechanism ? given === 2 : given === 0;
      },
      defaultMessage: () =>
        'KAFKA_SASL_MECHANISM needs both KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, and the credentials need a mechanism',
    },
  });
}

export class ClickHouseEnv extends KafkaEnv {
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'CLICKHOUSE_URL must be an http(s) URL' }) CLICKHOUSE_URL = 'http://127.0.0.1:8123';
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/) CLICKHOUSE_DATABASE = 'funnel';
  @IsString() @IsNotEmpty() CLICKHOUSE_USER = 'default';
  @IsString() CLICKHOUSE_PASSWORD = '';
}

const PG_URL = /^postgres(ql)?:\/\/[^\s]+$/;

/**
 * Keys that encrypt webhook signing secrets (AES-256-GCM), `kid:base64key[,kid:base64key...]`, 32-byte
 * keys: the first encrypts, all decrypt, so a key is rotated by putting a new one first (see
 * docs/conversion-service.md). The gateway and the conversion-service need the same list.
 */
const SECRET_KEYRING = /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=)*$/;
const SECRET_KEYRING_MESSAGE = 'WEBHOOK_SECRET_KEYS must be kid:base64key[,kid:base64key...] with 32-byte keys (openssl rand -base64 32)';

export class GatewayEnv extends KafkaEnv {
  @port GATEWAY_PORT = 3000;
  /** HS256 secret for control-plane JWTs. */
  @IsString() @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' }) JWT_SECRET = '';
  @AsNumber() @IsInt() @Min(100) @Max(60000) RPC_TIMEOUT_MS = 10000;
  /** The gateway mints webhook signing secrets and hands them to the conversion-service encrypted under the first key. */
  @Matches(SECRET_KEYRING, { message: SECRET_KEYRING_MESSAGE }) WEBHOOK_SECRET_KEYS = '';
  /** Store of the limits every gateway instance shares (failed authentications; see docs/auth.md). */
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' }) REDIS_URL = 'redis://127.0.0.1:6379';
  /** Failed authentications one client address may make per AUTH_FAILURE_WINDOW_SECONDS; past it, 429 until the window ends. */
  @AsNumber() @IsInt() @Min(1) @Max(100000) AUTH_FAILURE_LIMIT = 20;
  @AsNumber() @IsInt() @Min(1) @Max(86400) AUTH_FAILURE_WINDOW_SECONDS = 60;
  /** How long an instance remembers that a PAT is unknown (revoked, expired or never issued) without asking again. */
  @AsNumber() @IsInt() @Min(0) @Max(600000) PAT_NEGATIVE_CACHE_TTL_MS = 30000;
  /** Unknown PATs remembered at most per instance (oldest forgotten first). */
  @AsNumber() @IsInt() @Min(1) @Max(1000000) PAT_NEGATIVE_CACHE_MAX_ENTRIES = 10000;
}

export class RedirectEnv extends KafkaEnv {
  @port REDIRECT_PORT = 3001;
  /** Trusted header that carries the visitor's country (set by the CDN in front of the edge). */
  @IsString() @IsNotEmpty() COUNTRY_HEADER = 'CF-IPCountry';
  /** Clicks wait at most this long in memory before a produce (the 302 never waits on Kafka). */
  @AsNumber() @IsInt() @Min(1) @Max(1000) CLICK_FLUSH_INTERVAL_MS = 20;
  /** A batch is produced as soon as this many clicks are queued. */
  @AsNumber() @IsInt() @Min(1) @Max(10000) CLICK_BATCH_SIZE = 500;
  /** Backoff ceiling between retries of a failed click produce (it starts at 100 ms and doubles). */
  @AsNumber() @IsInt() @Min(100) @Max(60000) CLICK_RETRY_MAX_MS = 5000;
  /** On shutdown, how long to keep trying to produce queued clicks before giving up. */
  @AsNumber() @IsInt() @Min(0) @Max(120000) CLICK_DRAIN_TIMEOUT_MS = 10000;
  /** A click batch Kafka has not acknowledged within this time goes to the local spool instead. */
  @AsNumber() @IsInt() @Min(100) @Max(60000) CLICK_PRODUCE_TIMEOUT_MS = 3000;
  /** Local append-only spool for clicks Kafka cannot take right now. Empty = `.state/spool/redirect-<REDIRECT_PORT>`
   *  under the working directory: one spool per instance, never shared by two processes. */
  @IsString() REDIRECT_SPOOL_DIR = '';
  /** More tracked clicks than this from one address within BOT_RATE_WINDOW_MS are flagged as bots (click_rate). */
  @AsNumber() @IsInt() @Min(1) @Max(1000000) BOT_RATE_MAX_CLICKS = 30;
  @AsNumber() @IsInt() @Min(1000) @Max(3600000) BOT_RATE_WINDOW_MS = 60000;
  /** Addresses the click-rate window remembers at most (bounded memory; least recently active are forgotten). */
  @AsNumber() @IsInt() @Min(100) @Max(10000000) BOT_RATE_MAX_ADDRESSES = 100000;
}

export class CampaignEnv extends KafkaEnv {
  @port CAMPAIGN_PORT = 3002;
  @Matches(PG_URL, { message: 'CAMPAIGN_DATABASE_URL must be a postgresql:// URL' })
  CAMPAIGN_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/funnel_campaign';
  /** Base of the short URLs shown to users, e.g. https://go.example.com */
  @Matches(/^https?:\/\/[^\s]+$/) PUBLIC_REDIRECT_BASE_URL = 'http://127.0.0.1:3001';
  /** Live links one handle may hold (each one lives in every redirect edge's memory); past it, 409 limit_exceeded. */
  @AsNumber() @IsInt() @Min(1) @Max(1000000) MAX_LINKS_PER_HANDLE = 10000;
  /** Live personalization rules one handle may hold (the edge evaluates them on every click); past it, 409 limit_exceeded. */
  @AsNumber() @IsInt() @Min(1) @Max(10000) MAX_RULES_PER_HANDLE = 100;
}

export class ConversionEnv extends KafkaEnv {
  @port CONVERSION_PORT = 3003;
  @Matches(PG_URL, { message: 'CONVERSION_DATABASE_URL must be a postgresql:// URL' })
  CONVERSION_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/funnel_conversion';
  /** Allow webhook URLs on loopback/private addresses (the local stack sets it for development). */
  @AsBoolean() @IsBoolean() WEBHOOK_ALLOW_PRIVATE = false;
  /** A subscription is disabled after this many failed delivery attempts in a row (any success resets the count). */
  @AsNumber() @IsInt() @Min(1) @Max(10000) WEBHOOK_DISABLE_AFTER_FAILURES = 20;
  /** Whole-exchange timeout of one webhook attempt (connect, send, answer). */
  @AsNumber() @IsInt() @Min(500) @Max(30000) WEBHOOK_TIMEOUT_MS = 5000;
  /** Deliveries in flight at once in this instance, all handles together. */
  @AsNumber() @IsInt() @Min(1) @Max(1000) WEBHOOK_MAX_IN_FLIGHT = 32;
  /** Deliveries of one handle in flight at once in this instance: a slow receiver cannot take every slot. */
  @AsNumber() @IsInt() @Min(1) @Max(1000) WEBHOOK_MAX_IN_FLIGHT_PER_HANDLE = 4;
  /** Webhook subscriptions one handle may hold (each event fans out to all of them); past it, 409 limit_exceeded. */
  @AsNumber() @IsInt() @Min(1) @Max(1000) MAX_WEBHOOKS_PER_HANDLE = 20;
  /** Signing secrets are stored encrypted under the first key; every listed key decrypts. */
  @Matches(SECRET_KEYRING, { message: SECRET_KEYRING_MESSAGE }) WEBHOOK_SECRET_KEYS = '';
}

export class ProjectorEnv extends ClickHouseEnv {
  @port PROJECTOR_PORT = 3004;
  /** Consumer group of the event projection; only a test or a benchmark with a database of its own changes it. */
  @IsString() @Matches(/^[A-Za-z0-9._-]{1,249}$/) PROJECTOR_GROUP_ID = 'analytics-projector';
  /** Partitions projected at the same time (batches of one partition stay in order). */
  @AsNumber() @IsInt() @Min(1) @Max(64) PROJECTOR_PARTITIONS_CONCURRENCY = 6;
  /** Bytes fetched per partition and request: larger fetches make larger batches, hence fewer inserts. */
  @AsNumber() @IsInt() @Min(65536) @Max(268435456) PROJECTOR_FETCH_BYTES_PER_PARTITION = 8388608;
  /** The broker gathers this much before answering a fetch, or waits PROJECTOR_FETCH_MAX_WAIT_MS: larger batches under load. */
  @AsNumber() @IsInt() @Min(1) @Max(67108864) PROJECTOR_FETCH_MIN_BYTES = 1048576;
  @AsNumber() @IsInt() @Min(10) @Max(5000) PROJECTOR_FETCH_MAX_WAIT_MS = 100;
  /** How soon a projector that died is out of its consumer group (its partitions go to the others). */
  @AsNumber() @IsInt() @Min(6000) @Max(300000) PROJECTOR_SESSION_TIMEOUT_MS = 30000;
}
