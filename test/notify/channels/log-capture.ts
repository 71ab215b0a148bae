// A pino logger that keeps its lines in memory, to prove what never reaches a log.
import { pino, type Logger } from 'pino';

/** A logger plus everything it wrote, as raw JSON lines. */
export function captureLog(): { log: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { log, lines, text: () => lines.join('') };
}
