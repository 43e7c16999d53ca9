import Router from '@koa/router';
import type { MachineDefinition } from '@tradingfloor/shared';
import { describeRunMachine } from '@tradingfloor/engine';

/** `GET /machine`: the run statechart's definition (states, transitions, guards, invoked actors) for the inspector. */
export function machineRoutes(): Router {
  const router = new Router();
  // The definition is fixed for the life of the process: built once, on first request.
  let definition: MachineDefinition | undefined;

  router.get('/machine', (ctx) => {
    definition ??= describeRunMachine();
    ctx.body = definition;
  });

  return router;
}
