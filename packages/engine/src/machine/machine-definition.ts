import type { MachineDefinition, MachineStateNode, MachineTransition } from '@tradingfloor/shared';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { createRunMachine, RUN_MACHINE_VERSION } from './run-machine.js';

/**
 * The run statechart's definition as plain JSON (`GET /machine`): every state node nested as in the
 * machine, parallel ones marked by `type`, transitions with event, targets, guard and action names, and
 * the invoked actors' `src`. Read from the definition only; the clock is never called.
 */
export function describeRunMachine(): MachineDefinition {
  return describeMachine(createRunMachine(() => 0), RUN_MACHINE_VERSION);
}

/** {@link describeRunMachine} for any machine (walks `machine.root`). */
function describeMachine(machine: AnyStateMachine, version: number): MachineDefinition {
  return { id: machine.id, version, root: describeNode(machine.root) };
}

function describeNode(node: AnyStateNode): MachineStateNode {
  const transitions: MachineTransition[] = [];
  for (const [eventType, list] of node.transitions) {
    for (const t of list) transitions.push(transitionOf(eventType, t.target, t.guard, t.actions));
  }
  for (const t of node.always ?? []) transitions.push(transitionOf('', t.target, t.guard, t.actions));
  const initialTarget = node.type === 'compound' ? node.initial.target[0] : undefined;
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    initial: initialTarget?.key ?? null,
    entry: node.entry.map(describeAction),
    exit: node.exit.map(describeAction),
    invoke: node.invoke.map((inv) => ({ id: inv.id, src: typeof inv.src === 'string' ? inv.src : 'inline' })),
    transitions,
    states: Object.values(node.states).map(describeNode),
  };
}

function transitionOf(
  eventType: string,
  targets: ReadonlyArray<AnyStateNode> | undefined,
  guard: unknown,
  actions: readonly unknown[],
): MachineTransition {
  return {
    kind: kindOf(eventType),
    event: eventType,
    targets: (targets ?? []).map((t) => t.id),
    guard: guard === undefined ? null : describeGuard(guard),
    actions: actions.map(describeAction),
  };
}

function kindOf(eventType: string): MachineTransition['kind'] {
  if (eventType === '') return 'always';
  if (eventType.startsWith('xstate.done.')) return 'done';
  if (eventType.startsWith('xstate.error.')) return 'error';
  return 'event';
}

/** `isCancelRequested`, `isSelected(kind=market)`, `and(isAnalystTurn(kind=news), isCancelRequested)`. */
function describeGuard(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown }).guards;
    // Higher-order guards (and / or / not) carry their operands.
    if (Array.isArray(inner)) return `${guard.name || 'guard'}(${inner.map(describeGuard).join(', ')})`;
    if (inner !== undefined) return `${guard.name || 'guard'}(${describeGuard(inner)})`;
    return guard.name || 'inline guard';
  }
  return named(guard, 'guard');
}

/** `beginNode(id=analysts)`, `flagCancel`, `xstate.assign`. */
function describeAction(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const type = (action as { type?: unknown }).type;
    return typeof type === 'string' ? type : action.name || 'inline action';
  }
  return named(action, 'action');
}

function named(value: unknown, what: string): string {
  if (typeof value !== 'object' || value === null) return `inline ${what}`;
  const { type, params } = value as { type?: unknown; params?: unknown };
  const name = typeof type === 'string' ? type : `inline ${what}`;
  if (params === undefined) return name;
  if (typeof params === 'function') return `${name}(…)`;
  if (typeof params !== 'object' || params === null) return `${name}(${String(params)})`;
  const args = Object.entries(params as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return `${name}(${args.join(', ')})`;
}
