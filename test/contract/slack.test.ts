import { createSlackContractDriver } from './slack-driver.ts';
import { runContractSuite } from './suite.ts';

runContractSuite('slack', createSlackContractDriver);
