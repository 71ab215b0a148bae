// SMS segment arithmetic (GSM 03.38): a text fits one segment in 160 GSM-7 septets or 70 UCS-2 units.

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Extension-table characters cost two septets (escape + char).
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

/** How a text would be encoded as an SMS and whether it fits a single segment. */
export interface SmsSize {
  encoding: 'gsm7' | 'ucs2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  /** Single-segment limit for the encoding (160 or 70). */
  limit: number;
  fits: boolean;
}

/** Measures `text` as an SMS: GSM-7 when every character is in the GSM alphabet, UCS-2 otherwise. */
export function measureSms(text: string): SmsSize {
  let septets = 0;
  for (const ch of text) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXTENDED.has(ch)) septets += 2;
    else return { encoding: 'ucs2', units: text.length, limit: 70, fits: text.length <= 70 };
  }
  return { encoding: 'gsm7', units: septets, limit: 160, fits: septets <= 160 };
}
