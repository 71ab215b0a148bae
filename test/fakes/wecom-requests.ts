// Plays WeCom's side of the callback URL: encrypts and signs like WeCom (WXBizMsgCrypt), builds the XML WeCom
// sends, and can replay the exact same delivery (WeCom's 3 retries resend the same request).
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Clock } from '../../src/core/clock.ts';
import { WeComCrypto, type WeComCryptoKeys } from '../../src/adapters/wecom/crypto.ts';

/** An HTTP answer and how to send the same request again. */
export interface WeComAnswer {
  status: number;
  text: string;
  replay(): Promise<WeComAnswer>;
}

function send(method: string, url: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body === undefined ? {} : { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function cdata(v: string): string {
  return `<![CDATA[${v}]]>`;
}

/** WeCom's side of one app's callback URL. */
export class WeComRequester {
  readonly crypto: WeComCrypto;

  constructor(
    readonly url: string,
    readonly keys: WeComCryptoKeys,
    private readonly clock: Clock,
  ) {
    this.crypto = new WeComCrypto(keys);
  }

  private query(params: Record<string, string>): string {
    return `${this.url}?${new URLSearchParams(params).toString()}`;
  }

  /** GET with an exact query (for the official vector and forged ones). */
  async get(params: Record<string, string>): Promise<WeComAnswer> {
    const url = this.query(params);
    const go = async (): Promise<WeComAnswer> => ({ ...(await send('GET', url)), replay: go });
    return go();
  }

  /** URL verification as WeCom does it: an encrypted echostr, signed. */
  verifyUrl(echo = String(BigInt.asUintN(63, BigInt(`0x${randomBytes(8).toString('hex')}`)))): Promise<WeComAnswer> {
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const echostr = this.crypto.encrypt(echo);
    return this.get({ msg_signature: this.crypto.sign(timestamp, nonce, echostr), timestamp, nonce, echostr });
  }

  /** POSTs an exact body to an exact query. */
  async raw(params: Record<string, string>, body: string): Promise<WeComAnswer> {
    const url = this.query(params);
    const go = async (): Promise<WeComAnswer> => ({ ...(await send('POST', url, body)), replay: go });
    return go();
  }

  /** Encrypts `plainXml`, signs it and POSTs the envelope; `tamper` may change the signed values first. */
  post(plainXml: string, opts: { agentId?: string; encrypt?: string; signature?: string; timestamp?: string } = {}): Promise<WeComAnswer> {
    const timestamp = opts.timestamp ?? String(Math.floor(this.clock.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const encrypt = opts.encrypt ?? this.crypto.encrypt(plainXml);
    const envelope = `<xml><ToUserName>${cdata(this.keys.receiveId)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt><AgentID>${cdata(opts.agentId ?? '1000002')}</AgentID></xml>`;
    return this.raw({ msg_signature: opts.signature ?? this.crypto.sign(timestamp, nonce, encrypt), timestamp, nonce }, envelope);
  }

  /** The decrypted XML of a text message. */
  textXml(from: string, content: string, msgId: string, createTime = Math.floor(this.clock.now() / 1000)): string {
    return `<xml><ToUserName>${cdata(this.keys.receiveId)}</ToUserName><FromUserName>${cdata(from)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content><MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;
  }

  /** The decrypted XML of a template_card_event (a click on button `key` of card `taskId`). */
  cardEventXml(from: string, taskId: string, key: string, responseCode: string, createTime = Math.floor(this.clock.now() / 1000)): string {
    return `<xml><ToUserName>${cdata(this.keys.receiveId)}</ToUserName><FromUserName>${cdata(from)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata('template_card_event')}</Event><EventKey>${cdata(key)}</EventKey><TaskId>${cdata(taskId)}</TaskId><CardType>${cdata('button_interaction')}</CardType><ResponseCode>${cdata(responseCode)}</ResponseCode><AgentID>1000002</AgentID></xml>`;
  }
}
