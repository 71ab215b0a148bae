import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../core/clock.ts';
import type { SourceSettings } from '../settings/schema.ts';
import { DemoFaults } from './faults.ts';
import { RequestLog } from './request-log.ts';
import { createDemoServer } from './server.ts';
import { DEMO_ENV, demoSourceSettings } from './settings.ts';
import { LeakyBucket, SHOPIFY_DEFAULT_BUCKET, type BucketOptions } from './shopify-bucket.ts';
import { DemoWorld } from './world.ts';

export { DemoWorld, type DemoOrder, type SystemView } from './world.ts';
export type { DemoAddress } from './addresses.ts';
export { DemoFaults, type DemoFault } from './faults.ts';
export { RequestLog, type RequestLogEntry } from './request-log.ts';
export { DEMO_SYSTEMS, TROUBLE_KINDS, UNMAPPED_RAW, type DemoSystem, type TroubleKind } from './plan.ts';
export { DEMO_ENV, DEMO_MAPPINGS } from './settings.ts';

/** Options of `startDemoShop`; every one has a default, so `startDemoShop({})` runs a lively shop. */
export interface DemoShopOptions {
  clock?: Clock;
  seed?: number;
  /** Orders already in the shop at start (new ones keep coming at the same rate). Default 60. */
  orders?: number;
  /** Simulated minutes per real second. Default 60. */
  speed?: number;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Storefront Admin API access token the demo expects. */
  shopifyToken?: string;
  /** ERP bearer token the demo expects. */
  erpToken?: string;
  /** Seconds between scheduled syncs in the generated source settings. Default 10. */
  syncEverySeconds?: number;
  /** Inject stuck orders, regressions, disagreements, unmapped statuses, price and address trouble, and outages. Default true. */
  troubles?: boolean;
  /** Storefront rate limit. Default Shopify's 40-request bucket leaking 2/s. */
  shopifyBucket?: BucketOptions;
}

/** A running demo shop. */
export interface DemoShop {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Settings entries for the demo's ERP, WMS and storefront (names erp, wms, storefront). */
  sources: SourceSettings[];
  /** Credentials the sources read (variable name → value). */
  env: Record<string, string>;
  world: DemoWorld;
  faults: DemoFaults;
  requestLog: RequestLog;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** Starts the simulated ERP, WMS and Shopify-compatible storefront on 127.0.0.1. */
export async function startDemoShop(opts: DemoShopOptions = {}): Promise<DemoShop> {
  const clock = opts.clock ?? systemClock;
  const seed = opts.seed ?? 20260101;
  const world = new DemoWorld({ clock, seed, orders: opts.orders ?? 60, speed: opts.speed ?? 60, troubles: opts.troubles ?? true });
  const faults = new DemoFaults(clock);
  const requestLog = new RequestLog();
  const shopifyToken = opts.shopifyToken ?? `shpat_demo${(seed >>> 0).toString(16).padStart(8, '0')}0000000000000000000000`;
  const erpToken = opts.erpToken ?? `demo-erp-${(seed >>> 0).toString(36)}`;
  const bucket = new LeakyBucket(opts.shopifyBucket ?? SHOPIFY_DEFAULT_BUCKET, clock);
  const stopping = new AbortController();
  const server = createDemoServer({ world, faults, log: requestLog, bucket, erpToken, shopifyToken }, stopping.signal);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    baseUrl,
    sources: demoSourceSettings(baseUrl, opts.syncEverySeconds ?? 10),
    env: { [DEMO_ENV.shopifyToken]: shopifyToken, [DEMO_ENV.erpToken]: erpToken },
    world,
    faults,
    requestLog,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        stopping.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
