// Masking for log lines and error messages: enough to recognise a customer, not enough to contact them.

/** `+8613812345678` → `+86138****5678`; short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  const p = phone.replace(/[\s-]/g, '');
  if (p.length <= 8) return `***${p.slice(-2)}`;
  return `${p.slice(0, p.length - 8)}****${p.slice(-4)}`;
}

/** `alice@example.com` → `a***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** An openid or contact id cut to its first six characters. */
export function maskId(id: string): string {
  return id.length <= 6 ? '***' : `${id.slice(0, 6)}…`;
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE_IN_TEXT = /(?:\+|\b00)\d{1,3}[\s-]?\d[\d\s-]{5,14}\d|(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Masks every email address and phone number inside free text (a provider's error message) before it is stored or shown. */
export function maskContacts(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (m) => maskEmail(m)).replace(PHONE_IN_TEXT, (m) => maskPhone(m));
}
