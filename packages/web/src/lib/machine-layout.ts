import type { MachineDefinition, MachineStateNode, MachineTransition } from '@tradingfloor/shared';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';

/** A state node placed on the diagram, in absolute SVG coordinates. */
export interface PlacedState {
  id: string;
  key: string;
  type: MachineStateNode['type'];
  /** True for the direct children of a parallel state (its regions), drawn dashed. */
  region: boolean;
  /** True for the initial child of its compound parent. */
  initial: boolean;
  depth: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A transition edge (transitions between the same two states merged), as a polyline with its label. */
export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  /** Full description for the tooltip: kind, event and guard of each merged transition. */
  title: string;
  points: Array<{ x: number; y: number }>;
  labelAt: { x: number; y: number; width: number; height: number } | null;
}

export interface MachineLayout {
  width: number;
  height: number;
  /** Transitions left out of the drawing (see `isCommonExit`), counted for the legend. */
  hiddenTransitions: number;
  /** Parents before children, so containers are drawn under what they hold. */
  states: PlacedState[];
  edges: PlacedEdge[];
}

const CHAR_W = 6.4;
const LABEL_H = 14;
const textWidth = (text: string) => Math.ceil(text.length * CHAR_W) + 8;

/** `isSelected(kind=market)` → `isSelected`: the parameters make labels long and repeat the state's own name. */
function shortGuard(guard: string): string {
  return guard.replace(/\([^()]*=[^()]*\)/g, '');
}

/** What an edge says: a sent event (`START`, `CANCEL`) or `error`, and its guard. */
function transitionLabel(t: MachineTransition): string {
  // A finished step moving on is the normal flow: only sent events and failures are named.
  const event = t.kind === 'event' ? t.event : t.kind === 'error' ? 'error' : '';
  const guard = t.guard ? `[${shortGuard(t.guard)}]` : '';
  return [event, guard].filter(Boolean).join(' ');
}

function transitionTitle(t: MachineTransition): string {
  return `${t.kind}${t.event ? ` ${t.event}` : ''}${t.guard ? ` if ${t.guard}` : ''}`;
}

/**
 * True for the exits almost every step has: a failed step → `error`, a cancel check → `canceled`. Drawn, they
 * cross the whole chart dozens of times and hide the flow; the legend says they exist. Only the top-level
 * ones (from `pending` / `in_progress` themselves) are kept.
 */
function isCommonExit(definition: MachineDefinition, from: MachineStateNode, t: MachineTransition, target: string): boolean {
  const topLevel = from.id.split('.').length <= 2;
  const root = definition.root.id;
  return !topLevel && (t.kind === 'error' || target === `${root}.canceled` || target === `${root}.error`);
}

/** The ELK graph of a machine definition: compound states as containers, transitions as edges at the root. */
function toElkGraph(definition: MachineDefinition): ElkNode & { hiddenTransitions: number } {
  const edges = new Map<string, { source: string; target: string; labels: string[]; titles: string[] }>();
  let hidden = 0;
  const toNode = (n: MachineStateNode): ElkNode => {
    for (const t of n.transitions) {
      for (const target of t.targets) {
        if (target === n.id) continue; // self-loops only re-enter; they would clutter the drawing
        if (isCommonExit(definition, n, t, target)) {
          hidden += 1;
          continue;
        }
        const key = `${n.id}->${target}`;
        const edge = edges.get(key) ?? { source: n.id, target, labels: [], titles: [] };
        const label = transitionLabel(t);
        if (label && !edge.labels.includes(label)) edge.labels.push(label);
        edge.titles.push(transitionTitle(t));
        edges.set(key, edge);
      }
    }
    if (n.states.length === 0) return { id: n.id, width: Math.max(64, textWidth(n.key) + 12), height: 30 };
    return {
      id: n.id,
      layoutOptions: { 'elk.padding': '[top=30,left=12,bottom=12,right=12]' },
      children: n.states.map(toNode),
    };
  };
  const root = toNode(definition.root);
  const elkEdges: ElkExtendedEdge[] = [...edges.entries()].map(([id, e]) => {
    const text = e.labels.join(' / ');
    return {
      id,
      sources: [e.source],
      targets: [e.target],
      labels: text ? [{ id: `${id}#label`, text, width: textWidth(text), height: LABEL_H }] : [],
      // Carried through the layout untouched, for the tooltip.
      titleText: e.titles.join('\n'),
    } as ElkExtendedEdge;
  });
  return {
    id: '#graph',
    hiddenTransitions: hidden,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '22',
      'elk.spacing.edgeLabel': '2',
      'elk.edgeLabels.inline': 'true',
      // Every coordinate relative to the whole drawing, so nothing needs adding up afterwards.
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: [root],
    edges: elkEdges,
  };
}

/** Flattens ELK's answer into what the SVG draws. */
function placeLayout(definition: MachineDefinition, laid: ElkNode, hiddenTransitions = 0): MachineLayout {
  const byId = new Map<string, { node: MachineStateNode; parent: MachineStateNode | null; depth: number }>();
  const index = (n: MachineStateNode, parent: MachineStateNode | null, depth: number): void => {
    byId.set(n.id, { node: n, parent, depth });
    for (const c of n.states) index(c, n, depth + 1);
  };
  index(definition.root, null, 0);
  const states: PlacedState[] = [];
  const visit = (e: ElkNode): void => {
    const info = byId.get(e.id);
    if (info) {
      const { node, parent, depth } = info;
      states.push({
        id: node.id,
        key: node.key,
        type: node.type,
        region: parent?.type === 'parallel',
        initial: parent?.initial === node.key,
        depth,
        x: e.x ?? 0,
        y: e.y ?? 0,
        width: e.width ?? 0,
        height: e.height ?? 0,
      });
    }
    for (const c of e.children ?? []) visit(c);
  };
  visit(laid);
  const edges: PlacedEdge[] = (laid.edges ?? []).map((e) => {
    const section = e.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    const label = e.labels?.[0];
    return {
      id: e.id,
      source: e.sources[0] ?? '',
      target: e.targets[0] ?? '',
      label: label?.text ?? '',
      title: (e as ElkExtendedEdge & { titleText?: string }).titleText ?? '',
      points: points.map((p) => ({ x: p.x, y: p.y })),
      labelAt: label ? { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 } : null,
    };
  });
  return { width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0), hiddenTransitions, states, edges };
}

const cache = new WeakMap<MachineDefinition, Promise<MachineLayout>>();

/**
 * Lays the statechart out with ELK (layered, hierarchical). ELK is loaded on first use, so the rest of the
 * app never pays for it; the layout of one definition is computed once.
 */
export function layoutMachine(definition: MachineDefinition): Promise<MachineLayout> {
  let pending = cache.get(definition);
  if (!pending) {
    pending = (async () => {
      const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
      const { hiddenTransitions, ...graph } = toElkGraph(definition);
      const laid = await new ELK().layout(graph);
      return placeLayout(definition, laid, hiddenTransitions);
    })();
    // A failed layout may be retried (e.g. after the chunk failed to load).
    pending.catch(() => cache.delete(definition));
    cache.set(definition, pending);
  }
  return pending;
}
