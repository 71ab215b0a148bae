import type { DemoAddress } from './addresses.ts';
import type { Rng } from './prng.ts';

/** Region of a demo customer; decides names, phone format, language, currency and time zone. */
export type Region = 'CN' | 'US' | 'ES';

/** A complete demo customer, as the shop's systems know them. */
export interface DemoCustomer {
  id: string;
  shopifyId: number;
  region: Region;
  firstName: string;
  lastName: string;
  /** Display name in the customer's own convention (姓名 without a space for CN). */
  name: string;
  phone: string;
  email: string;
  openid: string;
  language: 'zh-CN' | 'en' | 'es';
  timeZone: string;
  preferredChannel: 'wechat' | 'sms' | 'email' | 'wechaty';
  currency: 'CNY' | 'USD' | 'EUR';
  /** Home address: where their orders ship unless an order says otherwise. */
  address: DemoAddress;
}

const CN_SURNAMES = [['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'], ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou']] as const;
const CN_GIVEN = [['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['秀英', 'xiuying'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'], ['艳', 'yan'], ['杰', 'jie'], ['涛', 'tao'], ['明', 'ming'], ['超', 'chao']] as const;
const CN_MOBILE_PREFIXES = ['138', '139', '150', '151', '186', '187', '135', '136', '158', '159', '177', '199'];
const US_FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Emily', 'Daniel', 'Ashley'];
const US_LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Moore', 'Clark'];
const US_AREA_CODES = ['212', '415', '312', '206', '617', '512', '303', '305'];
const US_ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
const ES_FIRST = ['María', 'José', 'Lucía', 'Javier', 'Carmen', 'Antonio', 'Sofía', 'Manuel', 'Elena', 'Pablo'];
const ES_LAST = ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín'];
const OPENID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function digits(rng: Rng, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(rng.int(0, 9));
  return out;
}

function asciiFold(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function weighted<T>(rng: Rng, table: readonly (readonly [T, number])[]): T {
  let r = rng.next();
  for (const [value, weight] of table) {
    if (r < weight) return value;
    r -= weight;
  }
  const last = table[table.length - 1];
  if (!last) throw new Error('empty weight table');
  return last[0];
}

/** A customer without their address (drawn from its own stream, see createHomeAddress in addresses.ts). */
export type DemoCustomerBase = Omit<DemoCustomer, 'address'>;

/** Builds customer number `index` from its own random stream. */
export function createCustomer(index: number, rng: Rng): DemoCustomerBase {
  const region = weighted<Region>(rng, [['CN', 0.5], ['US', 0.3], ['ES', 0.2]]);
  const id = `C${10001 + index}`;
  const shopifyId = 7_000_000_000_000 + index * 31;
  // WeChat openids are 28 characters and start with "o".
  let openid = 'o';
  for (let i = 0; i < 27; i++) openid += rng.pick([...OPENID_ALPHABET]);
  if (region === 'CN') {
    const [surname, surnamePinyin] = rng.pick(CN_SURNAMES);
    const [given, givenPinyin] = rng.pick(CN_GIVEN);
    return {
      id, shopifyId, region, openid,
      firstName: given, lastName: surname, name: `${surname}${given}`,
      phone: `+86${rng.pick(CN_MOBILE_PREFIXES)}${digits(rng, 8)}`,
      email: `${surnamePinyin}.${givenPinyin}${rng.int(1, 99)}@example.cn`,
      language: 'zh-CN', timeZone: 'Asia/Shanghai', currency: 'CNY',
      preferredChannel: weighted(rng, [['wechat', 0.6], ['wechaty', 0.15], ['sms', 0.2], ['email', 0.05]] as const),
    };
  }
  if (region === 'US') {
    const first = rng.pick(US_FIRST);
    const last = rng.pick(US_LAST);
    return {
      id, shopifyId, region, openid,
      firstName: first, lastName: last, name: `${first} ${last}`,
      // 555-0100..0199 is reserved for fiction: never a real subscriber.
      phone: `+1${rng.pick(US_AREA_CODES)}55501${digits(rng, 2)}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${rng.int(1, 99)}@example.com`,
      language: rng.chance(0.15) ? 'es' : 'en', timeZone: rng.pick(US_ZONES), currency: 'USD',
      preferredChannel: weighted(rng, [['email', 0.6], ['sms', 0.4]] as const),
    };
  }
  const first = rng.pick(ES_FIRST);
  const last = rng.pick(ES_LAST);
  return {
    id, shopifyId, region, openid,
    firstName: first, lastName: last, name: `${first} ${last}`,
    phone: `+346${digits(rng, 8)}`,
    email: `${asciiFold(first)}.${asciiFold(last)}${rng.int(1, 99)}@example.es`,
    language: 'es', timeZone: rng.chance(0.1) ? 'Atlantic/Canary' : 'Europe/Madrid', currency: 'EUR',
    preferredChannel: weighted(rng, [['email', 0.55], ['sms', 0.35], ['wechat', 0.1]] as const),
  };
}

/** Someone else an order may ship to (a gift, a colleague): a name and phone of the region. */
export function createReceiver(rng: Rng, region: Region): DemoAddress['receiver'] {
  if (region === 'CN') {
    const [surname] = rng.pick(CN_SURNAMES);
    const [given] = rng.pick(CN_GIVEN);
    return { firstName: given, lastName: surname, name: `${surname}${given}`, phone: `+86${rng.pick(CN_MOBILE_PREFIXES)}${digits(rng, 8)}` };
  }
  if (region === 'US') {
    const first = rng.pick(US_FIRST);
    const last = rng.pick(US_LAST);
    return { firstName: first, lastName: last, name: `${first} ${last}`, phone: `+1${rng.pick(US_AREA_CODES)}55501${digits(rng, 2)}` };
  }
  const first = rng.pick(ES_FIRST);
  const last = rng.pick(ES_LAST);
  return { firstName: first, lastName: last, name: `${first} ${last}`, phone: `+346${digits(rng, 8)}` };
}

/** One product of the demo catalog; prices in USD, converted per currency. */
interface Product {
  sku: string;
  zh: string;
  en: string;
  es: string;
  usd: number;
}

const CATALOG: readonly Product[] = [
  { sku: 'TEA-LJ-250', zh: '西湖龙井 250g', en: 'Longjing green tea 250g', es: 'Té verde Longjing 250g', usd: 28 },
  { sku: 'TEA-PE-357', zh: '普洱茶饼 357g', en: 'Pu-erh tea cake 357g', es: 'Torta de té Pu-erh 357g', usd: 45 },
  { sku: 'CUP-CER-01', zh: '青瓷茶杯', en: 'Celadon tea cup', es: 'Taza de té de celadón', usd: 12 },
  { sku: 'POT-YX-200', zh: '宜兴紫砂壶', en: 'Yixing clay teapot', es: 'Tetera de barro Yixing', usd: 89 },
  { sku: 'SET-TRV-04', zh: '便携旅行茶具', en: 'Travel tea set', es: 'Juego de té de viaje', usd: 39 },
  { sku: 'MUG-THM-35', zh: '保温杯 350ml', en: 'Thermal mug 350ml', es: 'Taza térmica 350ml', usd: 22 },
  { sku: 'SCF-SLK-90', zh: '真丝围巾', en: 'Silk scarf', es: 'Pañuelo de seda', usd: 59 },
  { sku: 'FAN-BMB-01', zh: '竹扇', en: 'Bamboo fan', es: 'Abanico de bambú', usd: 9 },
  { sku: 'CHP-EBN-05', zh: '乌木筷子五双装', en: 'Ebony chopsticks (5 pairs)', es: 'Palillos de ébano (5 pares)', usd: 18 },
  { sku: 'LMP-PAP-30', zh: '纸灯笼', en: 'Paper lantern', es: 'Farolillo de papel', usd: 15 },
  { sku: 'BAG-CNV-02', zh: '帆布托特包', en: 'Canvas tote bag', es: 'Bolsa de lona', usd: 25 },
  { sku: 'HNY-WLD-50', zh: '野生蜂蜜 500g', en: 'Wild honey 500g', es: 'Miel silvestre 500g', usd: 19 },
];

/** One order line as the demo generates it. */
export interface DemoItem {
  sku: string;
  /** Product names per language; systems show the one they speak. */
  names: { zh: string; en: string; es: string };
  qty: number;
  price: number;
}

function priceIn(usd: number, currency: DemoCustomer['currency']): number {
  if (currency === 'CNY') return Math.round(usd * 7.1) - 0.1;
  if (currency === 'EUR') return Math.round(usd * 0.92) - 0.01;
  return usd - 0.01;
}

/** Draws 1-3 distinct order lines priced in `currency`. */
export function createItems(rng: Rng, currency: DemoCustomer['currency']): DemoItem[] {
  const count = rng.int(1, 3);
  const chosen = new Set<Product>();
  while (chosen.size < count) chosen.add(rng.pick(CATALOG));
  return [...chosen].map((p) => ({
    sku: p.sku,
    names: { zh: p.zh, en: p.en, es: p.es },
    qty: rng.int(1, 2),
    price: Math.round(priceIn(p.usd, currency) * 100) / 100,
  }));
}
