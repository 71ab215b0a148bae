import { createConsoleContractDriver } from './console-driver.ts';
import { runContractSuite } from './suite.ts';

runContractSuite('console', createConsoleContractDriver);
