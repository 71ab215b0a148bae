import { runContractSuite } from './suite.ts';
import { createWeComContractDriver } from './wecom-driver.ts';

runContractSuite('wecom', createWeComContractDriver);
