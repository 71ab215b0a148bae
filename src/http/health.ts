import type { Store } from '../store/index.ts';
import type { SyncMetrics } from '../sync/metrics.ts';
import { sendJson, type HttpServer } from './server.ts';

/** GET /healthz (JSON: status, version, last sync per source, chat platforms and cards waiting for one) and GET /metrics (Prometheus text). */
export function registerHealthRoutes(server: HttpServer, deps: { store: Store; metrics: SyncMetrics; version: string; sources: () => string[]; platforms?: () => string[]; auditKeyed?: boolean }): void {
  server.route('GET', '/healthz', async ({ res }) => {
    const latest = await deps.store.runs.latestPerSource();
    const lastOk = new Map((await deps.store.runs.lastSuccessPerSource()).map((r) => [r.source, r]));
    const sources = deps.sources().map((name) => {
      const run = latest.find((r) => r.source === name);
      return {
        source: name,
        lastRun: run ? { id: run.id, status: run.status, startedAt: new Date(run.startedAt).toISOString(), finishedAt: run.finishedAt ? new Date(run.finishedAt).toISOString() : null, error: run.error } : null,
        lastSuccessAt: lastOk.has(name) ? new Date(lastOk.get(name)?.finishedAt ?? 0).toISOString() : null,
      };
    });
    // Cards kept for a platform that is down: that platform is degraded until they are out.
    const waiting = await deps.store.pendingCards.counts();
    const degraded = sources.some((s) => s.lastRun?.status === 'failed') || Object.keys(waiting).length > 0;
    sendJson(res, 200, { status: degraded ? 'degraded' : 'ok', version: deps.version, sources, chat: { platforms: deps.platforms?.() ?? [], waitingCards: waiting }, audit: { keyed: deps.auditKeyed ?? false } });
  });
  server.route('GET', '/metrics', async ({ res }) => {
    const text = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
    res.end(text);
  });
}
