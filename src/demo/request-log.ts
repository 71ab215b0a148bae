import type { DemoSystem } from './plan.ts';

/** One request the demo shop answered (credentials are never recorded). */
export interface RequestLogEntry {
  system: DemoSystem | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  at: number;
}

/** The last requests the demo shop answered, newest last; bounded so a long demo keeps flat memory. */
export class RequestLog {
  private items: RequestLogEntry[] = [];
  constructor(private readonly max = 2000) {}

  /** Appends one entry, dropping the oldest past the bound. */
  add(entry: RequestLogEntry): void {
    this.items.push(entry);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  /** Entries, optionally only those of one system. */
  entries(system?: DemoSystem): readonly RequestLogEntry[] {
    return system ? this.items.filter((e) => e.system === system) : [...this.items];
  }

  /** Forgets every entry. */
  clear(): void {
    this.items = [];
  }
}
