import type { SourceSettings } from '../../settings/schema.ts';
import { createCsvDropSource } from './csv-drop.ts';
import { createHttpJsonSource } from './http-json.ts';
import { createShopifySource } from './shopify.ts';
import { createSqlSource } from './sql.ts';
import type { OrderSource, SourceDeps } from './types.ts';
import { createWebhookSource } from './webhook.ts';

const FACTORIES: Record<SourceSettings['kind'], (settings: SourceSettings, deps: SourceDeps) => OrderSource> = {
  'http-json': createHttpJsonSource,
  shopify: createShopifySource,
  'csv-drop': createCsvDropSource,
  sql: createSqlSource,
  webhook: createWebhookSource,
};

/** Creates the source a settings entry describes (options validated by the kind's own schema). */
export function createSource(settings: SourceSettings, deps: SourceDeps): OrderSource {
  return FACTORIES[settings.kind](settings, deps);
}
