import Router from '@koa/router';
import { API_ROUTES, type MachineDefinition } from '@tradingfloor/shared';
import { describeRunMachine } from '@tradingfloor/engine';
import { defineRoute } from './define-route.js';

/** `GET /machine`: the run statechart's definition (states, transitions, guards, invoked actors) for the inspector. */
export function machineRoutes(): Router {
  const router = new Router();
  // The definition is fixed for the life of the process: built once, on first request.
  let definition: MachineDefinition | undefined;

  defineRoute(router, API_ROUTES.machine, () => (definition ??= describeRunMachine()));

  return router;
}
