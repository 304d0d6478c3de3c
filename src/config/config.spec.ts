import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('defaults to the embedded store on port 3000', () => {
    const c = loadConfig({});
    expect(c.eventStore).toBe('sqlite');
    expect(c.port).toBe(3000);
    expect(c.sqlitePath.endsWith('data/bistand.sqlite')).toBe(true);
    expect(c.readModelPath.endsWith('data/bistand-read.sqlite')).toBe(true);
  });
  it('stops on an unknown store kind with a line that names the variable and the value', () => {
    expect(() => loadConfig({ EVENT_STORE: 'postgres' })).toThrow(new ConfigError('EVENT_STORE must be "sqlite" or "kurrentdb", got "postgres"'));
  });
  it('needs KURRENTDB_URL for the clustered store', () => {
    expect(() => loadConfig({ EVENT_STORE: 'kurrentdb' })).toThrow(/KURRENTDB_URL is required/);
    expect(() => loadConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'http://x' })).toThrow(/connection string/);
    expect(loadConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false' }).kurrentdbUrl).toContain('2113');
  });
  it('refuses a port that is not a port', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
  it('defaults to development tokens with a key file beside the event store, and an access log of its own', () => {
    const c = loadConfig({ SQLITE_PATH: '/srv/bistand/events.sqlite' });
    expect(c.auth).toEqual({ mode: 'dev', issuer: 'bistand-dev', secret: null, keyFile: '/srv/bistand/auth-dev.key', audience: 'bistand', roleClaim: 'role', unitClaim: 'unit' });
    expect(c.accessLogPath).toBe('/srv/bistand/bistand-access-log.sqlite');
  });
  it('uses the identity provider when an issuer is configured, and needs its keys and audience', () => {
    const oidc = { AUTH_ISSUER: 'https://login.example.se/realms/bistand', AUTH_JWKS_URL: 'https://login.example.se/realms/bistand/certs', AUTH_AUDIENCE: 'bistand-api' };
    expect(loadConfig(oidc).auth).toEqual({ mode: 'oidc', ...{ issuer: oidc.AUTH_ISSUER, jwksUrl: oidc.AUTH_JWKS_URL, audience: 'bistand-api' }, roleClaim: 'role', unitClaim: 'unit' });
    expect(() => loadConfig({ ...oidc, AUTH_JWKS_URL: '' })).toThrow(/AUTH_JWKS_URL is required/);
    expect(() => loadConfig({ ...oidc, AUTH_AUDIENCE: '' })).toThrow(/AUTH_AUDIENCE is required/);
    expect(() => loadConfig({ AUTH_MODE: 'oidc' })).toThrow(/AUTH_ISSUER is required/);
    expect(() => loadConfig({ ...oidc, AUTH_ISSUER: 'http://login.example.se' })).toThrow(new ConfigError('AUTH_ISSUER must be an https URL (http only for localhost), got "http://login.example.se"'));
    expect(() => loadConfig({ ...oidc, AUTH_JWKS_URL: 'not a url' })).toThrow(/AUTH_JWKS_URL must be an https URL/);
    expect(() => loadConfig({ ...oidc, AUTH_DEV_SECRET: 'x'.repeat(40) })).toThrow(/AUTH_DEV_SECRET must not be set when AUTH_MODE=oidc/);
  });
  it('refuses an unknown AUTH_MODE, a short AUTH_DEV_SECRET, and development tokens in production unless asked for', () => {
    expect(() => loadConfig({ AUTH_MODE: 'none' })).toThrow(new ConfigError('AUTH_MODE must be "oidc" or "dev", got "none"'));
    expect(() => loadConfig({ AUTH_DEV_SECRET: 'short' })).toThrow(/AUTH_DEV_SECRET must be 32–512 characters/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/NODE_ENV=production needs an identity provider/);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'dev' }).auth.mode).toBe('dev');
    expect(() => loadConfig({ AUTH_MODE: 'dev', AUTH_ISSUER: 'https://x.example' })).toThrow(/only used with AUTH_MODE=oidc/);
  });
  it('keeps the access log apart from the event store and the read models', () => {
    expect(() => loadConfig({ SQLITE_PATH: '/d/a.sqlite', ACCESS_LOG_PATH: '/d/a.sqlite' })).toThrow(/ACCESS_LOG_PATH must differ/);
  });
  it('serves one kommun, named by KOMMUN_ID (demo by default), and refuses one without a payment calendar', () => {
    expect(loadConfig({}).kommun).toBe('demo');
    expect(loadConfig({ KOMMUN_ID: 'stockholm' }).kommun).toBe('stockholm');
    expect(() => loadConfig({ KOMMUN_ID: 'atlantis' })).toThrow('KOMMUN_ID "atlantis" has no payment calendar; known: demo, stockholm');
  });
});
