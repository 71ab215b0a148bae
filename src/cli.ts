// The `orderops` command line: start, sync, status, order, migrate.
import { Command, CommanderError, Option } from 'commander';
import schedule from 'node-schedule';
import { describeError, UserError } from './core/errors.ts';
import { getT, resolveLanguage } from './core/i18n.ts';
import type { RunSummary } from './sync/engine.ts';
import { AUDIT_KEY_ENV, optionsFromEnv, VERSION, type AppOptions } from './app-options.ts';
import type { App } from './main.ts';

import { renderTable } from './cli/table.ts';
import { languageOfArgv, usageLine } from './cli/usage.ts';
import { MIGRATIONS } from './store/migrations.ts';
import { join } from 'node:path';
import type { TFunction } from 'i18next';

const out = (text = ''): void => void process.stdout.write(`${text}\n`);

/** How long `orderops start` may take to drain after SIGTERM or SIGINT. */
const SHUTDOWN_MS = 10_000;
// The app (and everything it loads) is imported only by the commands that run it: `--help` stays fast.
async function createApp(opts: AppOptions): Promise<App> {
  return (await import('./main.ts')).createApp(opts);
}


function formatTime(ms: number, lang: string): string {
  return new Date(ms).toLocaleString(lang, { hour12: false });
}

function summaryRows(t: TFunction, summaries: readonly RunSummary[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const s of summaries) {
    rows.push([s.source, s.runId, t(`result.${s.status}`), s.fetched, s.changed, s.unchanged, s.quarantined, s.errors, `${(s.durationMs / 1000).toFixed(1)}s`]);
    if (s.fallback) rows.push(...summaryRows(t, [s.fallback]).map((r) => [`  ↳ ${String(r[0])}`, ...r.slice(1)]));
  }
  return rows;
}

async function withApp<T>(opts: AppOptions, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp(opts);
  try {
    return await fn(app);
  } finally {
    await app.stop();
  }
}

async function commandSync(app: App, t: TFunction, source: string | undefined): Promise<number> {
  const names = app.engine.sourceNames();
  if (source !== undefined && !names.includes(source)) throw new UserError('sync.unknown_source', t('error.unknownSource', { name: source, known: names.join(', ') }));
  if (names.length === 0) {
    out(t('sync.none'));
    return 0;
  }
  const tty = process.stdout.isTTY === true;
  const progress = new Map<string, string>();
  const onProgress = tty
    ? (p: { source: string; fetched: number; changed: number }): void => {
        progress.set(p.source, t('sync.progress', p));
        process.stdout.write(`\r\x1b[K${[...progress.values()].join(' · ')}`);
      }
    : undefined;
  const summaries = source ? [await app.engine.run(source, { trigger: 'cli', ...(onProgress ? { onProgress } : {}) })] : await app.engine.runAll({ trigger: 'cli', ...(onProgress ? { onProgress } : {}) });
  if (tty) process.stdout.write('\r\x1b[K');
  out(renderTable(['source', 'run', 'result', 'fetched', 'changed', 'unchanged', 'quarantined', 'errors', 'duration'].map((k) => t(`col.${k}`)), summaryRows(t, summaries)));
  for (const s of summaries) {
    if (s.status === 'failed') out(t('sync.failedNote', { source: s.source, error: s.error ?? '' }));
    if (s.fallback) out(t('sync.fallbackNote', { source: s.source, fallback: s.fallback.source, status: t(`result.${s.fallback.status}`) }));
  }
  return summaries.some((s) => s.status === 'failed' && s.fallback?.status !== 'ok') ? 1 : 0;
}

async function commandStatus(app: App, t: TFunction): Promise<void> {
  const counts = await app.store.queries.statusCounts();
  if (counts.length === 0) out(t('status.empty'));
  else {
    const canonical = counts.filter((c) => c.system === '*');
    out(t('status.canonical'));
    out(renderTable([t('col.status'), t('col.count')], [...canonical.map((c) => [t(`statuses.${c.status}`), c.count]), [t('status.total'), canonical.reduce((a, c) => a + c.count, 0)]]));
    out();
    out(t('status.perSystem'));
    out(renderTable([t('col.system'), t('col.status'), t('col.count')], counts.filter((c) => c.system !== '*').map((c) => [c.system, t(`statuses.${c.status}`), c.count])));
  }
  out();
  const q = await app.store.queries.quarantine();
  if (q.length === 0) out(t('status.noQuarantine'));
  else {
    out(t('status.quarantine'));
    out(renderTable([t('col.system'), t('col.rawStatus'), t('col.count'), t('col.sample')], q.map((g) => [g.system, g.rawStatus, g.orders, g.sampleOrderId])));
  }
}

async function commandOrder(app: App, t: TFunction, lang: string, id: string): Promise<number> {
  const o = await app.store.queries.order(id);
  if (!o) {
    out(t('order.notFound', { id }));
    return 1;
  }
  out(t('order.title', { id, status: t(`statuses.${o.status}`), system: o.statusSystem, since: formatTime(o.statusSince, lang) }));
  out();
  out(t('order.systems'));
  out(renderTable([t('col.system'), t('col.status'), t('col.raw'), t('col.updated'), t('col.amount')], o.snapshots.map((s) => [s.system, t(`statuses.${s.status}`), s.rawStatus, formatTime(s.updatedAt, lang), s.amount === null ? '' : `${s.amount} ${s.currency ?? ''}`.trim()])));
  if (o.quarantined.length > 0) {
    out();
    out(t('order.quarantined'));
    out(renderTable([t('col.system'), t('col.rawStatus'), t('col.updated')], o.quarantined.map((q) => [q.system, q.rawStatus, formatTime(q.lastSeen, lang)])));
  }
  out();
  out(t('order.history'));
  out(renderTable([t('col.at'), t('col.system'), t('col.from'), t('col.to'), t('col.raw'), t('col.run')], o.events.map((e) => [formatTime(e.at, lang), e.system, e.from ? t(`statuses.${e.from}`) : '—', t(`statuses.${e.to}`), e.raw, e.runId])));
  return 0;
}

async function commandStart(opts: AppOptions, t: TFunction): Promise<void> {
  const app = await createApp(opts);
  const { url } = await app.start();
  const names = app.engine.sourceNames();
  out(`\n  ${t('banner.title', { version: VERSION })}\n`);
  out(`  ${t('banner.console', { url })}`);
  out(`  ${t('banner.http', { url })}`);
  out(`  ${t('banner.health', { url })}`);
  out(`  ${t('banner.metrics', { url })}`);
  out(`  ${t('banner.webhooks', { url })}`);
  out(`  ${t('banner.database', { file: app.store.db.file })}`);
  out(`  ${t('banner.settings', { file: app.settings.file })}`);
  if (app.demo) out(`  ${t('banner.demo', { url: app.demo.baseUrl, orders: app.effectiveSettings().demo.orders })}`);
  out(`  ${names.length > 0 ? t('banner.sources', { list: names.join(', ') }) : t('banner.noSources')}`);
  out(`\n  ${t('banner.stop')}\n`);
  // First pull right away, so the data is there before the first cron tick.
  void app.engine.runAll({ trigger: 'start' }).catch((err: unknown) => app.log.error({ err: describeError(err) }, 'initial sync failed'));
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Drain within 10 s (a sync stops at its next page, committed pages stay; the outbox keeps what was not sent),
    // so a supervisor's SIGKILL after its own grace period never finds us mid-write.
    const deadline = setTimeout(() => {
      app.log.error({ ms: SHUTDOWN_MS }, 'shutdown took longer than allowed; exiting');
      process.exit(1);
    }, SHUTDOWN_MS);
    deadline.unref();
    await app.stop();
    await schedule.gracefulShutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** Builds the commander program (exported for tests), its help in `lang`. */
export function buildProgram(lang: string | undefined = process.env.ORDEROPS_LANG): Command {
  const t = getT(lang);
  const program = new Command('orderops').description(t('description')).version(VERSION);
  program.addOption(new Option('--lang <lang>', t('cmd.lang')).choices(['zh-CN', 'en', 'es']));
  program.addOption(new Option('--demo <mode>', t('cmd.demo')).choices(['on', 'off', 'auto']));
  const context = (oneShot = true): { opts: AppOptions; t: TFunction; lang: string } => {
    const g = program.opts<{ lang?: string; demo?: 'on' | 'off' | 'auto' }>();
    const chosen = g.lang ?? lang ?? process.env.LANG;
    const base = optionsFromEnv();
    // A one-shot command logs warnings only, unless LOG_LEVEL says otherwise (the bot itself logs at info).
    const env = oneShot ? { ...base.env, LOG_LEVEL: base.env.LOG_LEVEL ?? 'warn' } : base.env;
    return { opts: { ...base, env, ...(g.demo ? { demo: g.demo } : {}) }, t: getT(chosen), lang: resolveLanguage(chosen) };
  };
  program.command('start').description(t('cmd.start')).action(async () => {
    const c = context(false);
    await commandStart(c.opts, c.t);
  });
  program
    .command('sync [source]')
    .description(t('cmd.sync'))
    .action(async (source: string | undefined) => {
      const c = context();
      process.exitCode = await withApp(c.opts, (app) => commandSync(app, c.t, source));
    });
  program.command('status').description(t('cmd.status')).action(async () => {
    const c = context();
    await withApp({ ...c.opts, demo: 'off' }, (app) => commandStatus(app, c.t));
  });
  program
    .command('order <id>')
    .description(t('cmd.order'))
    .action(async (id: string) => {
      const c = context();
      process.exitCode = await withApp({ ...c.opts, demo: 'off' }, (app) => commandOrder(app, c.t, c.lang, id));
    });
  program.command('migrate').description(t('cmd.migrate')).action(async () => {
    const c = context();
    await withApp({ ...c.opts, demo: 'off' }, async (app) => out(c.t('migrate.done', { file: app.store.db.file, version: MIGRATIONS.at(-1)?.version ?? 0 })));
  });
  program
    .command('user')
    .description(t('cmd.user'))
    .argument('<action>', t('cmd.userAction'))
    .argument('<id>', t('cmd.userId'))
    .action(async (action: string, id: string) => {
      const c = context();
      if (action !== 'set-password') throw new UserError('cli.bad_action', c.t('error.userAction', { action }));
      const { setConsolePassword } = await import('./cli/set-password.ts');
      out(await setConsolePassword(c.opts.dataDir, id, c.t));
    });
  program
    .command('audit')
    .description(t('cmd.audit'))
    .argument('<action>', t('cmd.auditAction'))
    .action(async (action: string) => {
      const c = context();
      if (action !== 'verify') throw new UserError('cli.bad_action', c.t('error.auditAction', { action }));
      const file = join(c.opts.dataDir, 'orderops.db');
      // Migrate first (creates an empty database), then verify read-only.
      await withApp({ ...c.opts, demo: 'off' }, async () => undefined);
      const { formatAuditVerify, verifyAuditFile } = await import('./audit/cli.ts');
      const result = formatAuditVerify(await verifyAuditFile(file, process.env[AUDIT_KEY_ENV]?.trim() || undefined), c.t);
      out(result.text);
      process.exitCode = result.exitCode;
    });
  return program;
}

/** Runs the CLI; user errors print one clear line (no stack) and exit 2. */
export async function runCli(argv: string[]): Promise<void> {
  const lang = languageOfArgv(argv.slice(2), process.env);
  const program = buildProgram(lang);
  // Usage errors are ours to word (localized, with a suggestion) and to exit with 2; help and version exit 0.
  program.exitOverride();
  program.configureOutput({ outputError: () => undefined });
  for (const c of program.commands) c.exitOverride().configureOutput({ outputError: () => undefined });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const t = getT(lang);
    if (err instanceof CommanderError) {
      const line = usageLine(err, program, t);
      if (line !== undefined) process.stderr.write(`${t('error.prefix')}: ${line}\n`);
      process.exitCode = line === undefined ? 0 : 2;
      return;
    }
    const user = err instanceof UserError;
    process.stderr.write(`${t('error.prefix')}: ${user ? err.message : describeError(err)}\n`);
    process.exitCode = user ? 2 : 1;
  }
}
