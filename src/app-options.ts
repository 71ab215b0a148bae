// What the CLI needs before it decides to build the app: the deployment knobs, the version and the audit key's
// variable. Kept apart from main.ts so `orderops --help` loads none of the app.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';

/** The environment variable holding the audit chain's HMAC key. */
export const AUDIT_KEY_ENV = 'ORDEROPS_AUDIT_KEY';

/** The package version, for /healthz and the banner. */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Deployment knobs, from the environment by default. */
export interface AppOptions {
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  port: number;
  host: string;
  clock?: Clock;
  log?: Logger;
  /** Overrides settings.demo.mode (tests and `--demo`). */
  demo?: 'auto' | 'on' | 'off';
  /** Seed of the demo shop (deterministic demo data). */
  demoSeed?: number;
}

/** Reads AppOptions from the environment (PORT, HOST, ORDEROPS_DATA_DIR). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): AppOptions {
  return {
    dataDir: resolve(env.ORDEROPS_DATA_DIR ?? './data'),
    env,
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
  };
}
