// FEISHU_MODE=ws: the SDK's WSClient (it asks `${domain}/callback/ws/endpoint` for the socket URL, then speaks
// its protobuf frames); events and card callbacks go to the same EventDispatcher as the HTTP route.
import { LoggerLevel, WSClient, type EventDispatcher, type HttpInstance } from '@larksuiteoapi/node-sdk';
import { PermanentError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { toSdkLogger } from './sdk-logger.ts';

/** What the long connection needs. */
export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
  httpInstance: HttpInstance;
  log: Logger;
  autoReconnect: boolean;
  /** Wall-clock bound on the first connection. */
  connectTimeoutMs: number;
}

/** One long connection. */
export class FeishuLongConnection {
  private client: WSClient | undefined;

  constructor(private readonly opts: LongConnectionOptions) {}

  /** Connects and resolves once the socket is open (rejects on a refusal or after the timeout). */
  async start(dispatcher: EventDispatcher): Promise<void> {
    const { opts } = this;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string): void => reject(new PermanentError('feishu.ws_connect', `long connection failed: ${why}`));
      this.client = new WSClient({
        appId: opts.appId,
        appSecret: opts.appSecret,
        domain: opts.domain,
        httpInstance: opts.httpInstance,
        logger: toSdkLogger(opts.log),
        loggerLevel: LoggerLevel.info,
        autoReconnect: opts.autoReconnect,
        onReady: () => resolve(),
        onError: (err: Error) => fail(err.message),
      });
      timer = setTimeout(() => fail(`not connected within ${opts.connectTimeoutMs} ms`), opts.connectTimeoutMs);
      void this.client.start({ eventDispatcher: dispatcher });
    }).finally(() => clearTimeout(timer));
  }

  /** Closes the socket and stops reconnecting. */
  stop(): void {
    this.client?.close({ force: true });
    this.client = undefined;
  }
}
