import path from 'node:path';
import { z } from 'zod';
import { KeyWrapError, parseKek } from './secrets/key-wrap';

/** Turns a comma-separated env value into a trimmed, non-empty list. */
const list = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['true', '1', 'yes'].includes(v)));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Gatehouse <gatehouse@localhost>'),
  CERTS_DIR: z.string().default('./certs'),
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  TRUST_PROXY: z.string().default('loopback'),
  REDIRECT_ALLOWLIST: list,
  SAML_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  SAML_REQUEST_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
  METADATA_REFRESH_HOURS: z.coerce.number().min(0).default(24),
  ALLOW_INSECURE_METADATA_URLS: bool(false),
  DEFAULT_SSO_CODE: z.string().optional(),
  RICH_INFO_LIMIT: z.coerce.number().int().min(0).default(5000),
  INVITATION_TTL_HOURS: z.coerce.number().min(1).default(24 * 7),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_STORE: z.enum(['store', 'memory']).default('store'),
  METRICS_TOKEN: z.string().optional(),
  SESSION_TTL_HOURS: z.coerce.number().min(1).default(12),
  PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  GATEHOUSE_DEMO: bool(false),
  KEY_ENCRYPTION_KEY: z.string().optional(),
  KEY_ENCRYPTION_KEY_PREVIOUS: list,
});

export interface Config {
  port: number;
  host: string;
  /** External base URL without a trailing slash. */
  publicUrl: string;
  /** PUBLIC_URL was not set: publicUrl is http://localhost:$PORT (and follows the bound port when PORT=0). */
  publicUrlFromPort: boolean;
  /** True when PUBLIC_URL is https: cookies get `Secure`. */
  secureCookies: boolean;
  dataDir: string;
  mongodbUri?: string;
  logLevel: string;
  smtpUrl?: string;
  mailFrom: string;
  certsDir: string;
  sqliteSynchronous: 'normal' | 'full';
  trustProxy: string;
  redirectAllowlist: string[];
  samlClockSkewSeconds: number;
  samlRequestTtlSeconds: number;
  metadataRefreshHours: number;
  allowInsecureMetadataUrls: boolean;
  defaultSsoCode?: string;
  richInfoLimit: number;
  invitationTtlHours: number;
  loginRateLimit: number;
  /** Where rate-limit counters live: the store (shared by every instance) or this process's memory (one instance only). */
  rateLimitStore: 'store' | 'memory';
  metricsToken?: string;
  sessionTtlHours: number;
  /** How often expired sessions, SAML requests, replay-cache entries and rate-limit windows are deleted. */
  purgeIntervalSeconds: number;
  /** `npm run demo`: serves the mock IdP under /demo-idp/ and marks every page as a demo. */
  demo: boolean;
  /** Wraps the SP private keys and instance secrets in the store (AES-256-GCM); unset: stored plain, with a warning. */
  keyEncryptionKey?: string;
  /** Older KEKs that still open values while they are re-wrapped under keyEncryptionKey. */
  keyEncryptionKeyPrevious: string[];
  accessTokenTtlSeconds: number;
  maxScimTokensPerTeam: number;
}

export class ConfigError extends Error {}

/** Reads and validates the environment once; a bad variable is named in the error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value means unset, for every variable: `PUBLIC_URL=` in a .env file is a default, not an error.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  try {
    if (e.KEY_ENCRYPTION_KEY) parseKek(e.KEY_ENCRYPTION_KEY);
    for (const k of e.KEY_ENCRYPTION_KEY_PREVIOUS) parseKek(k, 'KEY_ENCRYPTION_KEY_PREVIOUS');
  } catch (err) {
    if (err instanceof KeyWrapError) throw new ConfigError(`Invalid configuration:\n  ${err.message}`);
    throw err;
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  if (e.GATEHOUSE_DEMO) refuseProductionInDemo(publicUrl, e.MONGODB_URI);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    publicUrlFromPort: e.PUBLIC_URL === undefined,
    secureCookies: publicUrl.startsWith('https://'),
    dataDir: path.resolve(e.DATA_DIR),
    mongodbUri: e.MONGODB_URI,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    certsDir: path.resolve(e.CERTS_DIR),
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    trustProxy: e.TRUST_PROXY,
    redirectAllowlist: e.REDIRECT_ALLOWLIST,
    samlClockSkewSeconds: e.SAML_CLOCK_SKEW_SECONDS,
    samlRequestTtlSeconds: e.SAML_REQUEST_TTL_SECONDS,
    metadataRefreshHours: e.METADATA_REFRESH_HOURS,
    allowInsecureMetadataUrls: e.ALLOW_INSECURE_METADATA_URLS,
    defaultSsoCode: e.DEFAULT_SSO_CODE || undefined,
    richInfoLimit: e.RICH_INFO_LIMIT,
    invitationTtlHours: e.INVITATION_TTL_HOURS,
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    rateLimitStore: e.RATE_LIMIT_STORE,
    metricsToken: e.METRICS_TOKEN || undefined,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    purgeIntervalSeconds: e.PURGE_INTERVAL_SECONDS,
    demo: e.GATEHOUSE_DEMO,
    keyEncryptionKey: e.KEY_ENCRYPTION_KEY || undefined,
    keyEncryptionKeyPrevious: e.KEY_ENCRYPTION_KEY_PREVIOUS,
    accessTokenTtlSeconds: 900,
    maxScimTokensPerTeam: 8,
  };
}

const LOOPBACK_HOST = /^(localhost|[a-z0-9-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Demo mode serves an IdP that signs anyone in: it must never run where real people could reach it.
 * An https PUBLIC_URL on a real host name or a MongoDB store are what production looks like.
 */
function refuseProductionInDemo(publicUrl: string, mongodbUri: string | undefined): void {
  const url = new URL(publicUrl);
  if (url.protocol === 'https:' && !LOOPBACK_HOST.test(url.hostname))
    throw new ConfigError(
      `Demo mode (GATEHOUSE_DEMO) refuses to start: PUBLIC_URL ${publicUrl} looks like a production address (https on ${url.hostname}), ` +
        'and the demo serves a mock identity provider that signs anyone in. Unset PUBLIC_URL (or use http://localhost) for the demo; use `npm start` for real teams.',
    );
  if (mongodbUri)
    throw new ConfigError(
      'Demo mode (GATEHOUSE_DEMO) refuses to start: MONGODB_URI is set, and the demo wipes and seeds its own embedded store. Unset MONGODB_URI for the demo; use `npm start` for real teams.',
    );
}
