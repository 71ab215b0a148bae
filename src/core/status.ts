/** The canonical order statuses every system's raw status is mapped onto. */
export const CANONICAL_STATUSES = [
  'created',
  'paid',
  'allocated',
  'picking',
  'packed',
  'shipped',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'completed',
  'cancelled',
  'refund_requested',
  'refunded',
  'returned',
  'exception',
] as const;

/** One canonical order status. */
export type CanonicalStatus = (typeof CANONICAL_STATUSES)[number];

const STATUS_SET: ReadonlySet<string> = new Set(CANONICAL_STATUSES);

/** True when `value` is one of the canonical statuses. */
export function isCanonicalStatus(value: string): value is CanonicalStatus {
  return STATUS_SET.has(value);
}

/** The business stage a status belongs to; authority settings name a system per stage. */
export type Stage = 'payment' | 'fulfilment' | 'delivery' | 'after_sales';

/** Stage of every canonical status. */
export const STATUS_STAGE: Readonly<Record<CanonicalStatus, Stage>> = {
  created: 'payment',
  paid: 'payment',
  cancelled: 'payment',
  allocated: 'fulfilment',
  picking: 'fulfilment',
  packed: 'fulfilment',
  shipped: 'fulfilment',
  in_transit: 'delivery',
  out_for_delivery: 'delivery',
  delivered: 'delivery',
  completed: 'delivery',
  exception: 'delivery',
  refund_requested: 'after_sales',
  refunded: 'after_sales',
  returned: 'after_sales',
};

// Progress rank used to pick the canonical view among systems: later in the life wins.
// After-sales and cancellation outrank the forward path because they end it.
/** Progress rank of every canonical status (higher = further along). */
export const STATUS_RANK: Readonly<Record<CanonicalStatus, number>> = {
  created: 0,
  paid: 10,
  allocated: 20,
  picking: 30,
  packed: 40,
  shipped: 50,
  in_transit: 60,
  exception: 65,
  out_for_delivery: 70,
  delivered: 80,
  completed: 90,
  refund_requested: 100,
  returned: 110,
  refunded: 120,
  cancelled: 130,
};

const FORWARD: CanonicalStatus[] = [
  'created',
  'paid',
  'allocated',
  'picking',
  'packed',
  'shipped',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'completed',
];

function buildTransitions(): Record<CanonicalStatus, ReadonlySet<CanonicalStatus>> {
  const table = {} as Record<CanonicalStatus, Set<CanonicalStatus>>;
  for (const s of CANONICAL_STATUSES) table[s] = new Set();
  // Forward path: any later forward status may be reached directly (systems skip steps).
  FORWARD.forEach((from, i) => {
    for (const to of FORWARD.slice(i + 1)) table[from].add(to);
  });
  for (const s of ['created', 'paid', 'allocated', 'picking', 'packed'] as const) table[s].add('cancelled');
  for (const s of ['paid', 'allocated', 'picking', 'packed', 'shipped', 'in_transit', 'out_for_delivery', 'delivered', 'completed', 'exception'] as const) {
    table[s].add('refund_requested');
  }
  for (const s of ['shipped', 'in_transit', 'out_for_delivery'] as const) table[s].add('exception');
  for (const to of ['in_transit', 'out_for_delivery', 'delivered', 'returned', 'cancelled'] as const) table.exception.add(to);
  for (const s of ['delivered', 'completed', 'refund_requested', 'exception'] as const) table[s].add('returned');
  table.refund_requested.add('refunded');
  table.returned.add('refunded');
  // A refused refund puts the order back where the customer left it.
  for (const to of ['paid', 'shipped', 'delivered', 'completed'] as const) table.refund_requested.add(to);
  table.cancelled.add('refunded');
  return table;
}

/** Legal transitions: `LEGAL_TRANSITIONS[from]` holds every status `from` may move to. */
export const LEGAL_TRANSITIONS: Readonly<Record<CanonicalStatus, ReadonlySet<CanonicalStatus>>> = buildTransitions();

/** True when moving from `from` to `to` is allowed (a first sighting, `from` null, always is). */
export function isLegalTransition(from: CanonicalStatus | null, to: CanonicalStatus): boolean {
  if (from === null || from === to) return true;
  return LEGAL_TRANSITIONS[from].has(to);
}

// A refused refund puts the order back where the customer left it: legal when a system shows it, but never a step
// assumed for a poll that missed the middle (it would make every move backwards "reachable").
const UNDOING: ReadonlySet<string> = new Set(['refund_requested>paid', 'refund_requested>shipped', 'refund_requested>delivered', 'refund_requested>completed']);

function buildAssumedPaths(): ReadonlyMap<string, readonly CanonicalStatus[]> {
  const paths = new Map<string, readonly CanonicalStatus[]>();
  for (const from of CANONICAL_STATUSES) {
    // Breadth first over forward-going legal moves: the shortest chain of steps nobody saw.
    const via = new Map<CanonicalStatus, readonly CanonicalStatus[]>([[from, []]]);
    const queue: CanonicalStatus[] = [from];
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i] as CanonicalStatus;
      const path = via.get(at) ?? [];
      for (const next of LEGAL_TRANSITIONS[at]) {
        if (via.has(next) || UNDOING.has(`${at}>${next}`)) continue;
        via.set(next, at === from ? [] : [...path, at]);
        queue.push(next);
      }
    }
    for (const [to, path] of via) if (to !== from) paths.set(`${from}>${to}`, LEGAL_TRANSITIONS[from].has(to) ? [] : path);
  }
  return paths;
}

const ASSUMED_PATHS = buildAssumedPaths();

/**
 * The statuses an order is assumed to have passed through unseen between `from` and `to` (a poll missed them):
 * `[]` for a legal move, undefined when no chain of legal moves leads there (a real move backwards).
 */
export function assumedPath(from: CanonicalStatus | null, to: CanonicalStatus): readonly CanonicalStatus[] | undefined {
  if (from === null || from === to) return [];
  if (LEGAL_TRANSITIONS[from].has(to)) return [];
  return ASSUMED_PATHS.get(`${from}>${to}`);
}

/** True when legal moves, seen or not, lead from `from` to `to` (delivered → refunded: after-sales refund, not a regression). */
export function isPossibleMove(from: CanonicalStatus | null, to: CanonicalStatus): boolean {
  return assumedPath(from, to) !== undefined;
}
