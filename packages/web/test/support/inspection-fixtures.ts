import type { InspectionRecord, MachineDefinition, MachineStateValue } from '@tradingfloor/shared';
import { MachineDefinitionSchema } from '@tradingfloor/shared';
import machineJson from '../fixtures/run-machine.json';

/** `GET /machine` of the real server (kept equal to it by tests/integration/inspector-spa-data.test.ts). */
export const MACHINE: MachineDefinition = MachineDefinitionSchema.parse(machineJson);

const ANALYSTS: MachineStateValue = {
  in_progress: { analysts: { market: 'running', social: 'skipped', news: 'running', fundamentals: 'skipped' } },
};
export const BULL: MachineStateValue = { in_progress: { research_debate: 'bull' } };

/** One record; `ts` follows `seq`. */
export function record(seq: number, type: string, fields: Partial<InspectionRecord> = {}): InspectionRecord {
  return { seq, ts: 1_700_000_000_000 + seq * 1000, type, actor: 'x:0', state: null, ...fields };
}

/** A run from its start to the research debate: three events (init, START, an analyst's done). */
export function runRecords(): InspectionRecord[] {
  return [
    record(1, '@xstate.actor', { src: 'run' }),
    record(2, '@xstate.event', { event: 'xstate.init' }),
    record(3, '@xstate.snapshot', { event: 'xstate.init', status: 'active', state: 'pending' }),
    record(4, '@xstate.event', { event: 'START', state: 'pending' }),
    record(5, '@xstate.snapshot', { event: 'START', status: 'active', state: ANALYSTS }),
    record(6, '@xstate.actor', { actor: 'x:1', src: 'analyst', state: ANALYSTS }),
    record(7, '@xstate.event', { event: 'xstate.done.actor.0.run.in_progress.analysts.market.running', summary: 'output: {…}', state: ANALYSTS }),
    record(8, '@xstate.snapshot', { event: 'xstate.done.actor', status: 'active', state: BULL }),
  ];
}
