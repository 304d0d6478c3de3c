import { dirname, join, resolve } from 'node:path';
import { knownKommuner } from '../shared/kommun.js';

export interface AppConfig {
  /** The kommun served: its payment calendar and cost ceilings (KOMMUN_ID). */
  readonly kommun: string;
  readonly port: number;
  readonly eventStore: 'sqlite' | 'kurrentdb';
  readonly sqlitePath: string;
  /** Where the SQLite store's group transaction runs (SQLITE_WRITER: inline, the default, or worker; see docs/performance.md). */
  readonly sqliteWriter?: 'worker' | 'inline';
  /** Read models, checkpoints and the idempotency cache: disposable, rebuilt from the log. */
  readonly readModelPath: string;
  readonly kurrentdbUrl: string | null;
  readonly logLevel: string;
  /** Who may call: bearer JWTs from an OIDC issuer (production) or signed with a local key (dev). */
  readonly auth: AuthConfig;
  /** The access log: every staff read of a case, append-only, durable (not the disposable read DB). */
  readonly accessLogPath: string;
  /** The background verification of the store (file check and every chain); see docs/reliability.md. */
  readonly verification: VerificationConfig;
}

export interface VerificationConfig {
  /** How long a start waits for the verification before it listens (the rest goes on in the background). */
  readonly waitAtStartMs: number;
  /** Verify everything again this often; 0 = only at start. */
  readonly repeatEveryMs: number;
}

export type AuthConfig = OidcAuthConfig | DevAuthConfig;

interface AuthClaims {
  /** Audience the token must carry (`aud`). */
  readonly audience: string;
  /** Claim holding the role (a string, or an array with exactly one of our roles); a name that is not a top-level claim is walked by its dots (`realm_access.roles`). */
  readonly roleClaim: string;
  /** Claim holding the unit (enhet) of staff. */
  readonly unitClaim: string;
}

export interface OidcAuthConfig extends AuthClaims {
  readonly mode: 'oidc';
  readonly issuer: string;
  readonly jwksUrl: string;
}

export interface DevAuthConfig extends AuthClaims {
  readonly mode: 'dev';
  /** Fixed issuer of development tokens. */
  readonly issuer: 'bistand-dev';
  /** AUTH_DEV_SECRET, or null: then the key is read from (or first written to) `keyFile`. */
  readonly secret: string | null;
  readonly keyFile: string;
}

export const DEV_ISSUER = 'bistand-dev';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates the environment once at start; a wrong value stops the start with one clear line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const eventStore = env.EVENT_STORE ?? 'sqlite';
  if (eventStore !== 'sqlite' && eventStore !== 'kurrentdb') {
    throw new ConfigError(`EVENT_STORE must be "sqlite" or "kurrentdb", got "${eventStore}"`);
  }
  const portText = env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new ConfigError(`PORT must be a whole number 1–65535, got "${portText}"`);
  const kurrentdbUrl = env.KURRENTDB_URL?.trim() || null;
  if (eventStore === 'kurrentdb') {
    if (!kurrentdbUrl) throw new ConfigError('KURRENTDB_URL is required when EVENT_STORE=kurrentdb (e.g. kurrentdb://127.0.0.1:2113?tls=false)');
    if (!/^(kurrentdb|kdb|esdb|kurrent)(\+discover)?:\/\/.+/.test(kurrentdbUrl)) {
      throw new ConfigError(`KURRENTDB_URL must be a connection string like kurrentdb://host:2113?tls=false, got "${kurrentdbUrl}"`);
    }
  }
  const sqlitePath = resolve(env.SQLITE_PATH?.trim() || './data/bistand.sqlite');
  const readModelPath = resolve(env.READ_MODEL_PATH?.trim() || join(dirname(sqlitePath), 'bistand-read.sqlite'));
  if (readModelPath === sqlitePath) throw new ConfigError('READ_MODEL_PATH must differ from SQLITE_PATH');
  const sqliteWriter = env.SQLITE_WRITER?.trim() || 'inline';
  if (sqliteWriter !== 'inline' && sqliteWriter !== 'worker') throw new ConfigError(`SQLITE_WRITER must be inline or worker, got "${sqliteWriter}"`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  const accessLogPath = resolve(env.ACCESS_LOG_PATH?.trim() || join(dirname(sqlitePath), 'bistand-access-log.sqlite'));
  if (accessLogPath === sqlitePath || accessLogPath === readModelPath) throw new ConfigError('ACCESS_LOG_PATH must differ from SQLITE_PATH and READ_MODEL_PATH');
  const kommun = env.KOMMUN_ID?.trim() || 'demo';
  if (!knownKommuner().includes(kommun)) throw new ConfigError(`KOMMUN_ID "${kommun}" has no payment calendar; known: ${knownKommuner().join(', ')}`);
  const verification = {
    waitAtStartMs: wholeNumber(env, 'VERIFY_WAIT_AT_START_MS', 10_000, 0, 3_600_000),
    repeatEveryMs: wholeNumber(env, 'VERIFY_EVERY_HOURS', 24, 0, 8760) * 3_600_000,
  };
  return { kommun, port, eventStore, sqlitePath, sqliteWriter, readModelPath, kurrentdbUrl, logLevel, auth: loadAuthConfig(env, dirname(sqlitePath)), accessLogPath, verification };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new ConfigError(`${name} must be a whole number ${min}–${max}, got "${text.slice(0, 40)}"`);
  return n;
}

const CLAIM_NAME = /^[\x21-\x7e]{1,100}$/;

function loadAuthConfig(env: NodeJS.ProcessEnv, dataDir: string): AuthConfig {
  const issuer = env.AUTH_ISSUER?.trim() || null;
  const jwksUrl = env.AUTH_JWKS_URL?.trim() || null;
  const audienceText = env.AUTH_AUDIENCE?.trim() || null;
  const secret = env.AUTH_DEV_SECRET ?? null;
  const mode = env.AUTH_MODE?.trim() || (issuer ? 'oidc' : 'dev');
  if (mode !== 'oidc' && mode !== 'dev') throw new ConfigError(`AUTH_MODE must be "oidc" or "dev", got "${mode}"`);
  const roleClaim = env.AUTH_ROLE_CLAIM?.trim() || 'role';
  const unitClaim = env.AUTH_UNIT_CLAIM?.trim() || 'unit';
  for (const [name, value] of [['AUTH_ROLE_CLAIM', roleClaim], ['AUTH_UNIT_CLAIM', unitClaim]] as const) {
    if (!CLAIM_NAME.test(value)) throw new ConfigError(`${name} must be a claim name like "role" or "realm_access.roles", got "${value.slice(0, 100)}"`);
  }
  if (audienceText !== null && !/^[\x21-\x7e]{1,200}$/.test(audienceText)) throw new ConfigError(`AUTH_AUDIENCE must be 1–200 visible ASCII characters, got "${audienceText.slice(0, 100)}"`);
  if (mode === 'oidc') {
    if (!issuer) throw new ConfigError('AUTH_ISSUER is required when AUTH_MODE=oidc (the identity provider\'s issuer URL, e.g. https://login.example.se/realms/bistand)');
    if (!isUrl(issuer, false)) throw new ConfigError(`AUTH_ISSUER must be an https URL (http only for localhost), got "${issuer}"`);
    if (!jwksUrl) throw new ConfigError('AUTH_JWKS_URL is required when AUTH_MODE=oidc (the issuer\'s jwks_uri, e.g. https://login.example.se/realms/bistand/protocol/openid-connect/certs)');
    if (!isUrl(jwksUrl, true)) throw new ConfigError(`AUTH_JWKS_URL must be an https URL (http only for localhost), got "${jwksUrl}"`);
    if (!audienceText) throw new ConfigError('AUTH_AUDIENCE is required when AUTH_MODE=oidc (the client id or API audience the tokens are issued for)');
    if (secret !== null) throw new ConfigError('AUTH_DEV_SECRET must not be set when AUTH_MODE=oidc (a local signing key next to an identity provider is a second way in)');
    return { mode, issuer, jwksUrl, audience: audienceText, roleClaim, unitClaim };
  }
  if (issuer || jwksUrl) throw new ConfigError('AUTH_ISSUER and AUTH_JWKS_URL are only used with AUTH_MODE=oidc; remove them or set AUTH_MODE=oidc');
  if (env.NODE_ENV === 'production' && env.AUTH_MODE?.trim() !== 'dev') {
    throw new ConfigError('NODE_ENV=production needs an identity provider (AUTH_ISSUER, AUTH_JWKS_URL, AUTH_AUDIENCE); set AUTH_MODE=dev explicitly to run a trial with local development tokens');
  }
  if (secret !== null && (secret.length < 32 || secret.length > 512 || secret.trim() !== secret)) {
    throw new ConfigError(`AUTH_DEV_SECRET must be 32–512 characters without surrounding spaces (it signs HS256 tokens), got ${secret.length} characters`);
  }
  return { mode, issuer: DEV_ISSUER, secret, keyFile: join(dataDir, 'auth-dev.key'), audience: audienceText ?? 'bistand', roleClaim, unitClaim };
}

function isUrl(text: string, allowQuery: boolean): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return false;
  return allowQuery || (url.search === '' && url.hash === '');
}

export const APP_CONFIG = Symbol('APP_CONFIG');
