import type { Clock } from '../core/clock.ts';
import type { CanonicalStatus } from '../core/status.ts';
import { createRng } from './prng.ts';
import { changedAddress, createHomeAddress, createOrderAddress, type DemoAddress } from './addresses.ts';
import { createCustomer, createItems, type DemoCustomer, type DemoItem } from './customers.ts';
import { DEMO_SYSTEMS, TROUBLE_KINDS, planOrder, type DemoSystem, type OrderPlan, type Patch, type StorefrontSet, type TroubleKind, type WmsSet } from './plan.ts';
import { foldPatches, foldStorefront, foldWms, type StorefrontState, type WmsState } from './fold.ts';

/** Options of the simulation. */
export interface WorldOptions {
  clock: Clock;
  seed: number;
  /** Orders created over the simulated days before the start; new ones keep coming at the same rate. */
  orders: number;
  /** Simulated minutes per real (clock) second. */
  speed: number;
  /** Inject trouble (stuck orders, regressions, disagreements, unmapped statuses, price and address trouble, outages). */
  troubles: boolean;
}

/** One simulated order with its plan converted to clock time (epoch ms). */
export interface DemoOrder {
  index: number;
  /** Our order id, shared by every system ("1001"; the storefront name is "#1001"). */
  orderId: string;
  shopifyId: number;
  createdAt: number;
  customer: DemoCustomer;
  items: DemoItem[];
  amount: number;
  currency: DemoCustomer['currency'];
  trouble: OrderPlan['trouble'];
  /** Where the order ships as ordered. */
  shipTo: DemoAddress;
  /** Where it ships after the customer changed it (address trouble only); systems show it from their change on. */
  changedShipTo?: DemoAddress;
  /** Canonical history as planned (what really happens to the parcel). */
  life: { status: CanonicalStatus; at: number }[];
  planned: { erp: Patch<{ status: string }>[]; wms: Patch<WmsSet>[]; storefront: Patch<StorefrontSet>[] };
}

/** What one system shows for an order at some instant, with the time it last changed it. */
export interface SystemView<S> {
  state: S;
  updatedAt: number;
}

/** A periodic outage window of one system, in clock time. */
export interface OutagePlan {
  system: DemoSystem;
  firstAt: number;
  periodMs: number;
  durationMs: number;
}

/** First order number; order index i is order "1001 + i". */
export const FIRST_ORDER_NUMBER = 1001;
const SHOPIFY_ID_BASE = 5_300_000_000_000;
const SHOPIFY_ID_STEP = 7;
const BACKFILL_DAYS = 6;
const RETENTION_DAYS = 16;
const TROUBLE_BLOCK = 30;

type Pushed = { erp: Patch<{ status: string }>[]; wms: Patch<WmsSet>[]; storefront: Patch<StorefrontSet>[] };

/** The simulated shop: orders as a pure function of seed and index, projected per system at any instant. */
export class DemoWorld {
  readonly seed: number;
  readonly speed: number;
  readonly troubles: boolean;
  /** Clock time the simulation started at (older orders were created before it). */
  readonly startedAt: number;
  /** Clock milliseconds per simulated minute. */
  readonly msPerSimMinute: number;
  readonly outage: OutagePlan | null;
  private readonly clock: Clock;
  private readonly initialOrders: number;
  private readonly intervalMs: number;
  private readonly cache = new Map<number, DemoOrder>();
  private readonly customers = new Map<number, DemoCustomer>();
  private readonly pushed = new Map<number, Pushed>();
  // Amounts written to the ERP (price corrections), by order index: the latest wins from its time on.
  private readonly erpAmounts = new Map<number, { amount: number; at: number }>();
  private evictedBelow = 0;

  constructor(opts: WorldOptions) {
    this.clock = opts.clock;
    this.seed = opts.seed;
    this.speed = opts.speed;
    this.troubles = opts.troubles;
    this.initialOrders = Math.max(1, opts.orders);
    this.startedAt = opts.clock.now();
    this.msPerSimMinute = 1000 / opts.speed;
    this.intervalMs = ((BACKFILL_DAYS * 1440) / this.initialOrders) * this.msPerSimMinute;
    const rng = createRng(opts.seed, 'outage');
    this.outage = opts.troubles
      ? { system: rng.pick(DEMO_SYSTEMS), firstAt: this.startedAt + Math.round(rng.range(180_000, 480_000)), periodMs: 600_000, durationMs: 40_000 }
      : null;
  }

  /** The current clock time. */
  now(): number {
    return this.clock.now();
  }

  /** Clock time order `index` is created at (strictly increasing in index). */
  createdAt(index: number): number {
    const jitter = createRng(this.seed, 'arrival', index).range(0, 0.9);
    return Math.round(this.startedAt + (index - this.initialOrders + jitter) * this.intervalMs);
  }

  /** Indexes of the orders that exist at `now`: created, and not yet aged out (bounded memory). */
  range(now = this.now()): { lo: number; hi: number } {
    let hi = Math.max(-1, Math.floor((now - this.startedAt) / this.intervalMs + this.initialOrders));
    while (this.createdAt(hi + 1) <= now) hi++;
    while (hi >= 0 && this.createdAt(hi) > now) hi--;
    const threshold = now - RETENTION_DAYS * 1440 * this.msPerSimMinute;
    let lo = Math.max(0, Math.floor((threshold - this.startedAt) / this.intervalMs + this.initialOrders));
    while (lo > 0 && this.createdAt(lo - 1) >= threshold) lo--;
    while (lo <= hi && this.createdAt(lo) < threshold) lo++;
    return { lo, hi };
  }

  /** Every existing order at `now`, oldest first. */
  *orders(now = this.now()): Generator<DemoOrder> {
    const { lo, hi } = this.range(now);
    this.evict(lo);
    for (let i = lo; i <= hi; i++) yield this.order(i);
  }

  /** Order by our id ("1001"), if it exists at `now`. */
  findOrder(orderId: string, now = this.now()): DemoOrder | undefined {
    if (!/^\d+$/.test(orderId)) return undefined;
    return this.existing(Number(orderId) - FIRST_ORDER_NUMBER, now);
  }

  /** Order by its storefront numeric id, if it exists at `now`. */
  findByShopifyId(id: number, now = this.now()): DemoOrder | undefined {
    const offset = id - SHOPIFY_ID_BASE;
    if (!Number.isSafeInteger(offset) || offset % SHOPIFY_ID_STEP !== 0) return undefined;
    return this.existing(offset / SHOPIFY_ID_STEP, now);
  }

  /** Order `index`, generated on first use. */
  order(index: number): DemoOrder {
    const hit = this.cache.get(index);
    if (hit) return hit;
    const order = this.generate(index);
    this.cache.set(index, order);
    return order;
  }

  /** The injected trouble of order `index` (null when none or troubles are off). */
  troubleOf(index: number): TroubleKind | null {
    if (!this.troubles) return null;
    const block = Math.floor(index / TROUBLE_BLOCK);
    const slots = Array.from({ length: TROUBLE_BLOCK }, (_, i) => i);
    const rng = createRng(this.seed, 'troubles', block);
    for (let i = slots.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [slots[i], slots[j]] = [slots[j] as number, slots[i] as number];
    }
    const slot = slots.indexOf(index % TROUBLE_BLOCK);
    return TROUBLE_KINDS[slot] ?? null;
  }

  /** What the ERP shows for `order` at `now` (always exists once the order does); `amount` once one was written, or a wrong one (price trouble). */
  erp(order: DemoOrder, now = this.now()): SystemView<{ status: string; amount?: number }> | undefined {
    const view = foldPatches(order.planned.erp, this.pushed.get(order.index)?.erp, now);
    const priced = this.erpAmounts.get(order.index);
    if (!view) return view;
    if (!priced || priced.at > now) return order.trouble?.kind === 'price' ? { ...view, state: { ...view.state, amount: misrecorded(order.amount) } } : view;
    // A written amount is a change: incremental pulls see the order again.
    return { state: { ...view.state, amount: priced.amount }, updatedAt: Math.max(view.updatedAt, priced.at) };
  }

  /** Records an amount written to the ERP by a client; later pulls show it. */
  setErpAmount(order: DemoOrder, amount: number): void {
    const previous = this.erpAmounts.get(order.index);
    this.erpAmounts.set(order.index, { amount, at: Math.max(this.now(), previous?.at ?? 0) });
  }

  /** What the WMS shows at `now`: nothing until the paid order reaches the warehouse. */
  wms(order: DemoOrder, now = this.now()): SystemView<WmsState> | undefined {
    return foldWms(order.planned.wms, this.pushed.get(order.index)?.wms, now);
  }

  /** What the storefront shows at `now`. */
  storefront(order: DemoOrder, now = this.now()): SystemView<StorefrontState> | undefined {
    return foldStorefront(order.planned.storefront, this.pushed.get(order.index)?.storefront, now);
  }

  /** Records a change written to `system` by a client; later pulls show it. */
  push<K extends DemoSystem>(system: K, order: DemoOrder, change: Omit<Pushed[K][number], 'at'>): void {
    let entry = this.pushed.get(order.index);
    if (!entry) {
      entry = { erp: [], wms: [], storefront: [] };
      this.pushed.set(order.index, entry);
    }
    const list = entry[system] as Patch<unknown>[];
    list.push({ ...change, at: Math.max(this.now(), list[list.length - 1]?.at ?? 0) });
  }

  /** True while `system` is inside one of its injected outage windows. */
  isOutage(system: DemoSystem, now = this.now()): boolean {
    const o = this.outage;
    if (!o || o.system !== system || now < o.firstAt) return false;
    return (now - o.firstAt) % o.periodMs < o.durationMs;
  }

  private existing(index: number, now: number): DemoOrder | undefined {
    if (!Number.isSafeInteger(index) || index < 0) return undefined;
    const { lo, hi } = this.range(now);
    return index >= lo && index <= hi ? this.order(index) : undefined;
  }

  private evict(lo: number): void {
    for (let i = this.evictedBelow; i < lo; i++) {
      this.cache.delete(i);
      this.pushed.delete(i);
      this.erpAmounts.delete(i);
    }
    this.evictedBelow = Math.max(this.evictedBelow, lo);
  }

  private customer(index: number): DemoCustomer {
    let c = this.customers.get(index);
    if (!c) {
      const base = createCustomer(index, createRng(this.seed, 'customer', index));
      // The address has its own stream: adding it left every other customer field as it was.
      c = { ...base, address: createHomeAddress(createRng(this.seed, 'address', index), base) };
      this.customers.set(index, c);
    }
    return c;
  }

  private generate(index: number): DemoOrder {
    const rng = createRng(this.seed, 'order', index);
    const pool = Math.max(8, Math.ceil(this.initialOrders * 0.7));
    const customer = this.customer(rng.int(0, pool - 1));
    const items = createItems(rng, customer.currency);
    const amount = Math.round(items.reduce((sum, it) => sum + it.qty * it.price, 0) * 100) / 100;
    const plan = planOrder(rng, { trouble: this.troubleOf(index), authorizeFirst: customer.region !== 'CN' && rng.chance(0.25) });
    const createdAt = this.createdAt(index);
    // Its own stream too, so orders keep their plans; the changed address is drawn for every order, used by address trouble.
    const shipRng = createRng(this.seed, 'ship', index);
    const shipTo = createOrderAddress(shipRng, customer);
    const changed = changedAddress(shipRng, shipTo);
    const toClock = (minutes: number): number => createdAt + Math.round(minutes * this.msPerSimMinute);
    const convert = <S>(list: Patch<S>[]): Patch<S>[] => {
      let last = -Infinity;
      // Strictly increasing times: two changes of one system never share an updated_at.
      return list.map((p) => {
        last = Math.max(toClock(p.at), last + 1);
        return { ...p, at: last };
      });
    };
    return {
      index,
      orderId: String(FIRST_ORDER_NUMBER + index),
      shopifyId: SHOPIFY_ID_BASE + index * SHOPIFY_ID_STEP,
      createdAt,
      customer,
      items,
      amount,
      currency: customer.currency,
      trouble: plan.trouble,
      shipTo,
      ...(plan.trouble?.kind === 'address' ? { changedShipTo: changed } : {}),
      life: plan.life.map((e) => ({ status: e.status, at: toClock(e.at) })),
      planned: { erp: convert(plan.erp), wms: convert(plan.wms), storefront: convert(plan.storefront) },
    };
  }
}

/** The address `order` ships to in a system's view: the changed one once that system has it. */
export function shipToOf(order: DemoOrder, view: { state: { addressChanged: boolean } }): DemoAddress {
  return view.state.addressChanged && order.changedShipTo ? order.changedShipTo : order.shipTo;
}

/** The amount a price-trouble order carries in the ERP: 10 % below what was paid, in cents. */
export function misrecorded(amount: number): number {
  return Math.round(amount * 90) / 100;
}
