// Every staff command and every button handler, for the chat hub to register.
import type { ActionDefinition, CommandDefinition } from '../src/core/command.ts';
import { helpCommand } from './help.ts';
import { langCommand } from './lang.ts';
import { orderCommand, refreshOrderAction, syncOrderAction } from './order.ts';
import type { BotServices } from './services.ts';
import { refreshStatusAction, statusCommand } from './status.ts';
import { rerunSyncAction, syncCommand } from './sync.ts';
import { tasksCommand } from './tasks.ts';

/** Staff commands, in the order help lists them. */
export const COMMANDS: CommandDefinition<BotServices>[] = [orderCommand, statusCommand, syncCommand, tasksCommand, langCommand, helpCommand];

/** Button handlers by action id. */
export const ACTIONS: ActionDefinition<BotServices>[] = [refreshOrderAction, syncOrderAction, rerunSyncAction, refreshStatusAction];
