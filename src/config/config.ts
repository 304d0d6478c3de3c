import { dirname, join, resolve } from 'node:path';

export interface AppConfig {
  readonly port: number;
  readonly eventStore: 'sqlite' | 'kurrentdb';
  readonly sqlitePath: string;
  /** Read models, checkpoints and the idempotency cache: disposable, rebuilt from the log. */
  readonly readModelPath: string;
  readonly kurrentdbUrl: string | null;
  readonly logLevel: string;
}

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
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  return { port, eventStore, sqlitePath, readModelPath, kurrentdbUrl, logLevel };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
