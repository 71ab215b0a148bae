// A small strict parser for the flat `<xml>` documents WeChat pushes (one level of children, CDATA or text).
// Nested children (some events carry them) are kept as their raw inner XML; nothing is ever expanded.

/** Thrown for anything that is not a well-formed flat WeChat XML document. */
export class WeChatXmlError extends Error {}

const NAME = /^[A-Za-z_][\w.-]*$/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parses `<xml><Name><![CDATA[v]]></Name>…</xml>` into `{ Name: 'v' }`; duplicate or malformed elements throw. */
export function parseWeChatXml(input: string): Record<string, string> {
  let s = input.replace(/^\uFEFF/, '').trim();
  if (s.startsWith('<?xml')) {
    const end = s.indexOf('?>');
    if (end < 0) throw new WeChatXmlError('unterminated XML declaration');
    s = s.slice(end + 2).trim();
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(s)) throw new WeChatXmlError('DTDs are not accepted');
  const root = /^<xml>([\s\S]*)<\/xml>$/.exec(s);
  if (!root) throw new WeChatXmlError('not an <xml> document');
  const body = root[1] ?? '';
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    if (/\s/.test(body[i] ?? '')) {
      i++;
      continue;
    }
    const open = /^<([^\s<>/!?]+)\s*(\/?)>/.exec(body.slice(i));
    if (!open) throw new WeChatXmlError(`unexpected content at ${i}`);
    const name = open[1] ?? '';
    if (!NAME.test(name)) throw new WeChatXmlError(`bad element name ${name.slice(0, 20)}`);
    if (Object.hasOwn(out, name)) throw new WeChatXmlError(`duplicate element ${name}`);
    i += open[0].length;
    if (open[2] === '/') {
      out[name] = '';
      continue;
    }
    const close = findClose(body, name, i);
    out[name] = decodeContent(body.slice(i, close));
    i = close + name.length + 3;
  }
  return out;
}

// The matching close tag, skipping CDATA sections and nested elements of the same name.
function findClose(body: string, name: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < body.length) {
    if (body.startsWith('<![CDATA[', i)) {
      const end = body.indexOf(']]>', i);
      if (end < 0) throw new WeChatXmlError('unterminated CDATA');
      i = end + 3;
    } else if (body.startsWith(`</${name}>`, i)) {
      if (--depth === 0) return i;
      i += name.length + 3;
    } else if (body.startsWith(`<${name}>`, i)) {
      depth++;
      i += name.length + 2;
    } else i++;
  }
  throw new WeChatXmlError(`unclosed element ${name}`);
}

function decodeContent(raw: string): string {
  // Pure text or CDATA pieces only; anything with child elements stays raw.
  if (raw.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').includes('<')) return raw.trim();
  if (!raw.includes('<![CDATA[')) return decodeText(raw.trim());
  let out = '';
  let last = 0;
  for (const m of raw.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)) {
    out += decodeText(raw.slice(last, m.index).trim()) + (m[1] ?? '');
    last = m.index + m[0].length;
  }
  return out + decodeText(raw.slice(last).trim());
}

function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, ent: string) => {
    const code = /^#x/i.test(ent) ? parseInt(ent.slice(2), 16) : ent.startsWith('#') ? parseInt(ent.slice(1), 10) : undefined;
    if (code !== undefined) {
      if (code > 0x10ffff) throw new WeChatXmlError(`bad character reference ${m}`);
      return String.fromCodePoint(code);
    }
    const v = ENTITIES[ent];
    if (v === undefined) throw new WeChatXmlError(`unknown entity ${m}`);
    return v;
  });
}
