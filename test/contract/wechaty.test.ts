// The cross-platform contract, run against the staff WeChat adapter (wechaty on wechaty-puppet-mock).
import { runContractSuite } from './suite.ts';
import { createWechatyContractDriver } from './wechaty-driver.ts';

runContractSuite('wechat', createWechatyContractDriver);
