// The cross-platform contract, run against the Feishu adapter.
import { createFeishuContractDriver } from './feishu-driver.ts';
import { runContractSuite } from './suite.ts';

runContractSuite('feishu', createFeishuContractDriver);
