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
});
