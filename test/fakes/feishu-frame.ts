// The long connection's frame (the SDK's pbbp2.Frame, protobuf 2), written out by hand so the fake speaks the
// wire format rather than borrowing the SDK's own codec: SeqID=1, LogID=2, service=3, method=4 (varints),
// headers=5 (repeated {key=1, value=2}), payloadEncoding=6, payloadType=7, payload=8 (bytes), LogIDNew=9.

/** One frame. `method` 0 is control (ping/pong), 1 data (events). */
export interface FeishuFrame {
  seqId: bigint;
  logId: bigint;
  service: number;
  method: number;
  headers: Record<string, string>;
  payload?: Buffer | undefined;
}

function varint(n: bigint): Buffer {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

function field(no: number, wire: number): Buffer {
  return varint(BigInt((no << 3) | wire));
}

function bytesField(no: number, data: Buffer): Buffer {
  return Buffer.concat([field(no, 2), varint(BigInt(data.length)), data]);
}

/** Encodes a frame. */
export function encodeFeishuFrame(f: FeishuFrame): Buffer {
  const parts = [field(1, 0), varint(f.seqId), field(2, 0), varint(f.logId), field(3, 0), varint(BigInt(f.service)), field(4, 0), varint(BigInt(f.method))];
  for (const [key, value] of Object.entries(f.headers)) {
    parts.push(bytesField(5, Buffer.concat([bytesField(1, Buffer.from(key, 'utf8')), bytesField(2, Buffer.from(value, 'utf8'))])));
  }
  if (f.payload) parts.push(bytesField(8, f.payload));
  return Buffer.concat(parts);
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('truncated varint');
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  done(): boolean {
    return this.pos >= this.buf.length;
  }
}

function decodeHeader(buf: Buffer): [string, string] {
  const r = new Reader(buf);
  let key = '';
  let value = '';
  while (!r.done()) {
    const tag = Number(r.varint());
    if (tag >> 3 === 1) key = r.bytes().toString('utf8');
    else if (tag >> 3 === 2) value = r.bytes().toString('utf8');
    else throw new Error(`unexpected header field ${tag >> 3}`);
  }
  return [key, value];
}

/** Decodes a frame. */
export function decodeFeishuFrame(buf: Buffer): FeishuFrame {
  const r = new Reader(buf);
  const f: FeishuFrame = { seqId: 0n, logId: 0n, service: 0, method: 0, headers: {} };
  while (!r.done()) {
    const tag = Number(r.varint());
    const no = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) {
      const v = r.varint();
      if (no === 1) f.seqId = v;
      else if (no === 2) f.logId = v;
      else if (no === 3) f.service = Number(v);
      else if (no === 4) f.method = Number(v);
    } else if (wire === 2) {
      const b = r.bytes();
      if (no === 5) {
        const [k, v] = decodeHeader(b);
        f.headers[k] = v;
      } else if (no === 8) f.payload = Buffer.from(b);
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return f;
}
