// Every staff command and every button handler, for the chat hub to register.
import type { ActionDefinition, CommandDefinition } from '../src/core/command.ts';
import { alertsCommand } from './alerts.ts';
import { approveCommand, approveTaskAction, chooseTaskAction } from './approve.ts';
import { helpCommand } from './help.ts';
import { langCommand } from './lang.ts';
import { notifyCommand } from './notify.ts';
import { orderCommand, refreshOrderAction, syncOrderAction } from './order.ts';
import type { BotServices } from './services.ts';
import { rejectCommand, rejectTaskAction } from './reject.ts';
import { refreshStatusAction, statusCommand } from './status.ts';
import { silenceAlertAction, silenceCommand } from './silence.ts';
import { rerunSyncAction, syncCommand } from './sync.ts';
import { claimTaskAction, openTaskAction, retryTaskAction, snoozeTaskAction, tasksCommand, undoTaskAction } from './tasks.ts';

/** Staff commands, in the order help lists them. */
export const COMMANDS: CommandDefinition<BotServices>[] = [orderCommand, statusCommand, syncCommand, tasksCommand, approveCommand, rejectCommand, alertsCommand, silenceCommand, notifyCommand, langCommand, helpCommand];

/** Button handlers by action id. */
export const ACTIONS: ActionDefinition<BotServices>[] = [
  refreshOrderAction,
  syncOrderAction,
  rerunSyncAction,
  refreshStatusAction,
  openTaskAction,
  approveTaskAction,
  chooseTaskAction,
  rejectTaskAction,
  claimTaskAction,
  snoozeTaskAction,
  undoTaskAction,
  retryTaskAction,
  silenceAlertAction,
];
