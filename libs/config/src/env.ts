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
}

export class ClickHouseEnv extends KafkaEnv {
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'CLICKHOUSE_URL must be an http(s) URL' }) CLICKHOUSE_URL = 'http://127.0.0.1:8123';
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/) CLICKHOUSE_DATABASE = 'funnel';
  @IsString() @IsNotEmpty() CLICKHOUSE_USER = 'default';
  @IsString() CLICKHOUSE_PASSWORD = '';
}

const PG_URL = /^postgres(ql)?:\/\/[^\s]+$/;

export class GatewayEnv extends KafkaEnv {
  @port GATEWAY_PORT = 3000;
  /** HS256 secret for control-plane JWTs. */
  @IsString() @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' }) JWT_SECRET = '';
  @AsNumber() @IsInt() @Min(100) @Max(60000) RPC_TIMEOUT_MS = 10000;
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
  /** Topic the clicks go to when not the platform's clicks topic (empty): only a benchmark or a test sets it. */
  @IsString() @Matches(/^[A-Za-z0-9._-]{0,249}$/) CLICKS_TOPIC = '';
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
}

export class ProjectorEnv extends ClickHouseEnv {
  @port PROJECTOR_PORT = 3004;
  /** Consumer group of the event projection; only a test or a benchmark with a database of its own changes it. */
  @IsString() @Matches(/^[A-Za-z0-9._-]{1,249}$/) PROJECTOR_GROUP_ID = 'analytics-projector';
  /** Topics projected when not the platform's (empty): only a benchmark or a test sets them. */
  @IsString() @Matches(/^[A-Za-z0-9._-]{0,249}$/) PROJECTOR_CLICKS_TOPIC = '';
  @IsString() @Matches(/^[A-Za-z0-9._-]{0,249}$/) PROJECTOR_CONVERSIONS_TOPIC = '';
  /** Partitions projected at the same time (batches of one partition stay in order). */
  @AsNumber() @IsInt() @Min(1) @Max(64) PROJECTOR_PARTITIONS_CONCURRENCY = 6;
  /** Bytes fetched per partition and request: larger fetches make larger batches, hence fewer inserts. */
  @AsNumber() @IsInt() @Min(65536) @Max(268435456) PROJECTOR_FETCH_BYTES_PER_PARTITION = 8388608;
  /** The broker gathers this much before answering a fetch, or waits PROJECTOR_FETCH_MAX_WAIT_MS: larger batches under load. */
  @AsNumber() @IsInt() @Min(1) @Max(67108864) PROJECTOR_FETCH_MIN_BYTES = 1048576;
  @AsNumber() @IsInt() @Min(10) @Max(5000) PROJECTOR_FETCH_MAX_WAIT_MS = 100;
  /** How soon a projector that died is out of its consumer group (its partitions go to the others). */
  @AsNumber() @IsInt() @Min(6000) @Max(300000) PROJECTOR_SESSION_TIMEOUT_MS = 30000;
  /** Answer the analytics RPCs. Off only for a projector with a database of its own (a test or a benchmark),
   *  which must not join the RPC group and answer the gateway from that database. */
  @AsBoolean() @IsBoolean() PROJECTOR_SERVE_RPC = true;
}
