// Shipping addresses of the demo shop. Every customer has a home address in their region (a real province / state, city,
// district and postal code, a made-up house number), drawn from the customer's own address stream; an order ships there,
// now and then to someone else (a gift). Address trouble (plan.ts) uses `changedAddress`: the same place with another
// house number or another street, as when a customer corrects the address after ordering.
import { createReceiver, type DemoCustomerBase, type Region } from './customers.ts';
import type { Rng } from './prng.ts';

/**
 * A shipping address as the demo's systems keep it, receiver included. A Chinese one has a district and one street line
 * from the street down to the door ("文三路 90 号 3 幢 502 室"); a Western one a street line and maybe a second one.
 */
export interface DemoAddress {
  receiver: { firstName: string; lastName: string; name: string; phone: string };
  /** ISO 3166-1 alpha-2 code. */
  country: Region;
  /** Province / state / Spanish province, written out the same way by every system. */
  region: string;
  city: string;
  /** 区 of a Chinese address. */
  district?: string;
  /** First street line: street and house number (a Chinese line goes down to the room). */
  line1: string;
  /** Apartment, floor… (Western addresses only). */
  line2?: string;
  postalCode: string;
}

interface Place {
  region: string;
  city: string;
  district?: string;
  postalCodes: readonly string[];
  streets: readonly string[];
}

const CN_PLACES: readonly Place[] = [
  { region: '浙江省', city: '杭州市', district: '西湖区', postalCodes: ['310012', '310013'], streets: ['文三路', '天目山路', '教工路', '古墩路'] },
  { region: '浙江省', city: '杭州市', district: '滨江区', postalCodes: ['310051', '310052'], streets: ['江南大道', '滨盛路', '网商路'] },
  { region: '上海市', city: '上海市', district: '浦东新区', postalCodes: ['200120', '200122'], streets: ['世纪大道', '张杨路', '浦东南路'] },
  { region: '上海市', city: '上海市', district: '徐汇区', postalCodes: ['200030', '200031'], streets: ['衡山路', '漕溪北路', '肇嘉浜路'] },
  { region: '北京市', city: '北京市', district: '朝阳区', postalCodes: ['100020', '100025'], streets: ['建国路', '朝阳北路', '东三环中路'] },
  { region: '北京市', city: '北京市', district: '海淀区', postalCodes: ['100080', '100083'], streets: ['中关村大街', '学院路', '知春路'] },
  { region: '广东省', city: '深圳市', district: '南山区', postalCodes: ['518057', '518052'], streets: ['深南大道', '科技园南路', '南海大道'] },
  { region: '广东省', city: '广州市', district: '天河区', postalCodes: ['510620', '510630'], streets: ['天河路', '体育西路', '黄埔大道西'] },
  { region: '四川省', city: '成都市', district: '武侯区', postalCodes: ['610041', '610043'], streets: ['人民南路四段', '科华北路', '武侯祠大街'] },
  { region: '江苏省', city: '南京市', district: '鼓楼区', postalCodes: ['210008', '210009'], streets: ['中山路', '广州路', '湖南路'] },
  { region: '湖北省', city: '武汉市', district: '洪山区', postalCodes: ['430070', '430074'], streets: ['珞喻路', '鲁磨路', '雄楚大道'] },
];

// By the area code of the customer's phone (customers.ts draws it), so a New York number lives in New York.
const US_PLACES: Readonly<Record<string, Place>> = {
  '212': { region: 'New York', city: 'New York', postalCodes: ['10001', '10003', '10011', '10024', '10128'], streets: ['Broadway', 'Amsterdam Ave', 'Lexington Ave', 'W 72nd St'] },
  '415': { region: 'California', city: 'San Francisco', postalCodes: ['94103', '94107', '94110', '94114', '94117'], streets: ['Valencia St', 'Mission St', 'Castro St', 'Haight St'] },
  '312': { region: 'Illinois', city: 'Chicago', postalCodes: ['60601', '60605', '60614', '60622', '60657'], streets: ['N Clark St', 'W Division St', 'N Milwaukee Ave', 'S Michigan Ave'] },
  '206': { region: 'Washington', city: 'Seattle', postalCodes: ['98101', '98103', '98109', '98115', '98122'], streets: ['Pike St', 'Fremont Ave N', 'Westlake Ave N', 'E Madison St'] },
  '617': { region: 'Massachusetts', city: 'Boston', postalCodes: ['02108', '02115', '02116', '02118'], streets: ['Beacon St', 'Newbury St', 'Commonwealth Ave', 'Tremont St'] },
  '512': { region: 'Texas', city: 'Austin', postalCodes: ['78701', '78702', '78704', '78705'], streets: ['Congress Ave', 'S Lamar Blvd', 'E Cesar Chavez St', 'Guadalupe St'] },
  '303': { region: 'Colorado', city: 'Denver', postalCodes: ['80202', '80203', '80205', '80206'], streets: ['Larimer St', 'E Colfax Ave', 'Blake St', 'S Broadway'] },
  '305': { region: 'Florida', city: 'Miami', postalCodes: ['33130', '33131', '33132', '33137'], streets: ['Brickell Ave', 'Biscayne Blvd', 'SW 8th St', 'NE 2nd Ave'] },
};
const US_ANY: readonly Place[] = Object.values(US_PLACES);

const ES_PLACES: readonly Place[] = [
  { region: 'Madrid', city: 'Madrid', postalCodes: ['28001', '28004', '28010', '28013', '28015'], streets: ['Calle de Alcalá', 'Calle de Serrano', 'Gran Vía', 'Calle Mayor', 'Calle de Fuencarral'] },
  { region: 'Barcelona', city: 'Barcelona', postalCodes: ['08007', '08008', '08012', '08013', '08036'], streets: ['Carrer de Mallorca', 'Passeig de Gràcia', 'Carrer de Provença', 'Avinguda Diagonal'] },
  { region: 'Valencia', city: 'València', postalCodes: ['46001', '46002', '46004', '46005'], streets: ['Calle de Colón', 'Calle de la Paz', 'Avenida del Puerto'] },
  { region: 'Sevilla', city: 'Sevilla', postalCodes: ['41001', '41003', '41004', '41010'], streets: ['Calle Sierpes', 'Avenida de la Constitución', 'Calle San Jacinto'] },
  { region: 'Bizkaia', city: 'Bilbao', postalCodes: ['48001', '48007', '48008', '48009'], streets: ['Calle Ercilla', 'Alameda de Recalde', 'Calle Licenciado Poza'] },
  { region: 'Málaga', city: 'Málaga', postalCodes: ['29001', '29005', '29012', '29016'], streets: ['Calle Larios', 'Paseo de Reding', 'Calle Carretería'] },
];
// Customers on Canary time live there.
const CANARY: Place = { region: 'Las Palmas', city: 'Las Palmas de Gran Canaria', postalCodes: ['35001', '35002', '35007', '35010'], streets: ['Calle Mayor de Triana', 'Calle León y Castillo', 'Calle Pérez Galdós'] };

const ALL_PLACES: readonly [Region, readonly Place[]][] = [['CN', CN_PLACES], ['US', US_ANY], ['ES', [...ES_PLACES, CANARY]]];

/** Share of orders that ship to someone else than the customer, somewhere else. */
const GIFT_SHARE = 0.1;

// The house number comes first in every line we write for a street: "文三路 90 号", "1234 Oak Ave", "Calle Mayor, 12".
function houseNumber(rng: Rng, country: Region): number {
  return country === 'CN' ? rng.int(1, 399) : country === 'US' ? rng.int(100, 2999) : rng.int(1, 140);
}

function streetLine(country: Region, street: string, n: number, rest: string): string {
  if (country === 'CN') return `${street} ${n} 号${rest}`;
  if (country === 'US') return `${n} ${street}`;
  return `${street}, ${n}`;
}

function addressAt(rng: Rng, country: Region, place: Place, receiver: DemoAddress['receiver']): DemoAddress {
  const street = rng.pick(place.streets);
  const n = houseNumber(rng, country);
  // A Chinese line goes down to the flat: 3 幢 502 室.
  const flat = country === 'CN' && rng.chance(0.6) ? ` ${rng.int(1, 12)} 幢 ${rng.int(1, 28)}0${rng.int(1, 6)} 室` : '';
  const line2 =
    country === 'US' ? (rng.chance(0.35) ? `Apt ${rng.int(1, 30)}${rng.pick(['A', 'B', 'C', 'D'])}` : undefined)
    : country === 'ES' ? (rng.chance(0.7) ? `${rng.int(1, 8)}º ${rng.pick(['A', 'B', 'C', 'D', 'izda.', 'dcha.'])}` : undefined)
    : undefined;
  return {
    receiver,
    country,
    region: place.region,
    city: place.city,
    ...(place.district ? { district: place.district } : {}),
    line1: streetLine(country, street, n, flat),
    ...(line2 ? { line2 } : {}),
    postalCode: rng.pick(place.postalCodes),
  };
}

function placeFor(rng: Rng, region: Region, hint: { phone?: string; timeZone?: string }): Place {
  if (region === 'CN') return rng.pick(CN_PLACES);
  if (region === 'US') return US_PLACES[hint.phone?.slice(2, 5) ?? ''] ?? rng.pick(US_ANY);
  return hint.timeZone === 'Atlantic/Canary' ? CANARY : rng.pick(ES_PLACES);
}

/** The customer's home address (receiver: the customer), from the customer's own address stream. */
export function createHomeAddress(rng: Rng, c: DemoCustomerBase): DemoAddress {
  const receiver = { firstName: c.firstName, lastName: c.lastName, name: c.name, phone: c.phone };
  return addressAt(rng, c.region, placeFor(rng, c.region, c), receiver);
}

/** Where one order ships: the customer's home, or now and then someone else in the same country (a gift). */
export function createOrderAddress(rng: Rng, c: DemoCustomerBase & { address: DemoAddress }): DemoAddress {
  if (!rng.chance(GIFT_SHARE)) return c.address;
  const receiver = createReceiver(rng, c.region);
  return addressAt(rng, c.region, placeFor(rng, c.region, receiver), receiver);
}

function placeOf(a: DemoAddress): Place | undefined {
  const places = ALL_PLACES.find(([region]) => region === a.country)?.[1] ?? [];
  return places.find((p) => p.city === a.city && p.region === a.region && p.district === a.district);
}

/**
 * The address after the customer corrected it: the same place and receiver, another house number on the same street, or
 * another street of the same district (the second line and postal code stay). Always differs in the first line.
 */
export function changedAddress(rng: Rng, a: DemoAddress): DemoAddress {
  const place = placeOf(a);
  const others = (place?.streets ?? []).filter((s) => !a.line1.includes(s));
  const current = Number(/\d+/.exec(a.line1)?.[0] ?? '0');
  let n = houseNumber(rng, a.country);
  for (let i = 0; i < 20 && n === current; i++) n = houseNumber(rng, a.country);
  if (n === current) n = current + 2;
  if (others.length === 0 || rng.chance(0.5)) return { ...a, line1: a.line1.replace(/\d+/, String(n)) };
  const flat = a.country === 'CN' ? (/ \d+ 幢 \d+ 室$/.exec(a.line1)?.[0] ?? '') : '';
  return { ...a, line1: streetLine(a.country, rng.pick(others), n, flat) };
}

/** The street lines as one text, as the WMS keeps them ("1234 Oak Ave, Apt 4B"). */
export function streetLines(a: DemoAddress): string {
  return a.line2 ? `${a.line1}, ${a.line2}` : a.line1;
}

// Shopify's province_code of each region the demo uses.
const REGION_CODES: Readonly<Record<string, string>> = {
  浙江省: 'ZJ', 上海市: 'SH', 北京市: 'BJ', 广东省: 'GD', 四川省: 'SC', 江苏省: 'JS', 湖北省: 'HB',
  'New York': 'NY', California: 'CA', Illinois: 'IL', Washington: 'WA', Massachusetts: 'MA', Texas: 'TX', Colorado: 'CO', Florida: 'FL',
  Madrid: 'M', Barcelona: 'B', Valencia: 'V', Sevilla: 'SE', Bizkaia: 'BI', Málaga: 'MA', 'Las Palmas': 'GC',
};

/** The region's code as Shopify gives it (province_code), or null. */
export function regionCode(region: string): string | null {
  return REGION_CODES[region] ?? null;
}

/** The country's English name (Shopify's `country`). */
export function countryName(code: Region): string {
  return { CN: 'China', US: 'United States', ES: 'Spain' }[code];
}
