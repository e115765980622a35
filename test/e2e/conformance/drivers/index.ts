// One driver per caller surface, all pointed at the same gateway.
import type { SurfaceName } from '../../../../src/canonical/types.js';
import type { DriverTarget, SurfaceDriver } from '../driver.js';
import { chatDriver } from './chat.js';
import { interactionsDriver } from './interactions.js';
import { messagesDriver } from './messages.js';
import { responsesDriver } from './responses.js';

export function createDrivers(target: DriverTarget): Record<SurfaceName, SurfaceDriver> {
  return {
    responses: responsesDriver(target),
    chat: chatDriver(target),
    messages: messagesDriver(target),
    interactions: interactionsDriver(target),
  };
}
