import { MachineDefinitionSchema, type MachineStateNode } from '@tradingfloor/shared';
import type { AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { describeRunMachine } from '../../src/machine/machine-definition.js';
import { createRunMachine, RUN_MACHINE_VERSION } from '../../src/machine/run-machine.js';

/** Every state node id under a node, depth first, in document order. */
const machineIds = (node: AnyStateNode): string[] => [node.id, ...Object.values(node.states).flatMap(machineIds)];
const jsonIds = (node: MachineStateNode): string[] => [node.id, ...node.states.flatMap(jsonIds)];
const find = (node: MachineStateNode, id: string): MachineStateNode | undefined =>
  node.id === id ? node : node.states.map((s) => find(s, id)).find((s) => s !== undefined);

describe('describeRunMachine (GET /machine)', () => {
  const definition = describeRunMachine();

  it('round-trips through JSON and the shared schema', () => {
    const json = JSON.parse(JSON.stringify(definition)) as unknown;
    expect(MachineDefinitionSchema.parse(json)).toEqual(definition);
    expect(definition).toMatchObject({ id: 'run', version: RUN_MACHINE_VERSION });
  });

  it('has exactly the machine’s states, nested as in machine.root, with their types', () => {
    const machine = createRunMachine(() => 0);
    expect(jsonIds(definition.root)).toEqual(machineIds(machine.root));
    const walk = (json: MachineStateNode, node: AnyStateNode): void => {
      expect(json.type).toBe(node.type);
      expect(json.states.map((s) => s.key)).toEqual(Object.keys(node.states));
      json.states.forEach((child, i) => walk(child, Object.values(node.states)[i]!));
    };
    walk(definition.root, machine.root);
    expect(find(definition.root, 'run.in_progress.analysts')?.type).toBe('parallel');
    expect(definition.root.states.map((s) => s.key)).toEqual(['pending', 'in_progress', 'completed', 'error', 'canceled']);
    expect(find(definition.root, 'run.in_progress')?.initial).toBe('analysts');
  });

  it('lists transitions with event, targets and guard names, and invoked actors by src', () => {
    const pending = find(definition.root, 'run.pending')!;
    expect(pending.transitions).toEqual([
      { kind: 'event', event: 'START', targets: ['run.canceled'], guard: 'isCancelRequested', actions: [] },
      { kind: 'event', event: 'START', targets: ['run.in_progress'], guard: null, actions: [] },
      { kind: 'event', event: 'CANCEL', targets: ['run.canceled'], guard: null, actions: ['flagCancel'] },
    ]);
    const waiting = find(definition.root, 'run.in_progress.analysts.news.waiting')!;
    expect(waiting.transitions.map((t) => [t.kind, t.guard, t.targets])).toEqual([
      ['always', 'and(isAnalystTurn(kind=news), isCancelRequested)', ['run.canceled']],
      ['always', 'isAnalystTurn(kind=news)', ['run.in_progress.analysts.news.running']],
    ]);
    const running = find(definition.root, 'run.in_progress.analysts.market.running')!;
    expect(running.invoke).toEqual([{ id: expect.any(String), src: 'analyst' }]);
    expect(running.entry).toEqual(['beginNode(id=analysts.market)']);
    expect(running.transitions.map((t) => [t.kind, t.targets])).toEqual([
      ['done', ['run.in_progress.analysts.market.done']],
      ['error', ['run.error']],
    ]);
    const bear = find(definition.root, 'run.in_progress.research_debate.bear')!;
    expect(bear.transitions.filter((t) => t.kind === 'done').map((t) => t.guard)).toEqual(['isCancelRequested', 'hasDebateRoundsLeft', null]);
    const srcs = new Set<string>();
    const collect = (n: MachineStateNode): void => {
      n.invoke.forEach((i) => srcs.add(i.src));
      n.states.forEach(collect);
    };
    collect(definition.root);
    expect([...srcs].sort()).toEqual(['analyst', 'extractDecision', 'portfolioManager', 'researchManager', 'researcher', 'riskAnalyst', 'trader']);
  });
});
