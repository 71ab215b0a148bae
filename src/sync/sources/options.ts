import type { z } from 'zod';
import { UserError } from '../../core/errors.ts';
import { formatIssues, type SourceSettings } from '../../settings/schema.ts';

/** Validates a source's `options` with its kind's schema; errors name `sources[<name>].options.<field>`. */
export function parseSourceOptions<S extends z.ZodType>(schema: S, settings: SourceSettings): z.infer<S> {
  const result = schema.safeParse(settings.options);
  if (!result.success) {
    const lines = formatIssues(result.error)
      .split('\n')
      .map((l) => `sources[${settings.name}].options${l.startsWith('(document)') ? l.slice('(document)'.length) : `.${l}`}`);
    throw new UserError('settings.invalid', `settings.json is not valid:\n${lines.join('\n')}`, { source: settings.name });
  }
  return result.data;
}

/** Reads a secret from the environment by the variable name settings give; missing is a UserError naming the variable (never its value). */
export function readSecret(env: Readonly<Record<string, string | undefined>>, variable: string, source: string): string {
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new UserError('settings.missing_secret', `source "${source}" needs the environment variable ${variable}`, { source, variable });
  }
  return value;
}
