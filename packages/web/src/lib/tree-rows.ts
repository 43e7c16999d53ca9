import type { ExecutionTree, TreeNode } from '@tradingfloor/shared';

/** One visible line of the execution tree, with what ARIA needs (level, position in its set). */
export interface TreeRow {
  node: TreeNode;
  /** 1 at the root. */
  level: number;
  parentId: string | null;
  hasChildren: boolean;
  expanded: boolean;
  posInSet: number;
  setSize: number;
}

/** Phases start open and agents closed, until the user toggles them. */
export function expandedByDefault(node: TreeNode): boolean {
  return node.node_type === 'phase';
}

/**
 * The one agent of a phase named like the phase (the trader in "Trader", the managers in theirs), whose own
 * row would only repeat the phase's name ("Trader › Trader"); null otherwise.
 */
export function soleNamesakeAgent(node: TreeNode): TreeNode | null {
  const [only, ...rest] = node.children;
  return node.node_type === 'phase' && only && rest.length === 0 && only.node_type === 'agent' && only.name === node.name ? only : null;
}

/** What a row shows under itself: a namesake agent's reports and messages stand directly under its phase. */
function shownChildren(node: TreeNode): TreeNode[] {
  return soleNamesakeAgent(node)?.children ?? node.children;
}

/** The rows currently visible: children of collapsed nodes are skipped. */
export function visibleRows(tree: ExecutionTree, isExpanded: (node: TreeNode) => boolean): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (nodes: TreeNode[], level: number, parentId: string | null) => {
    nodes.forEach((node, i) => {
      const children = shownChildren(node);
      const hasChildren = children.length > 0;
      const expanded = hasChildren && isExpanded(node);
      rows.push({ node, level, parentId, hasChildren, expanded, posInSet: i + 1, setSize: nodes.length });
      if (expanded) walk(children, level + 1, node.id);
    });
  };
  walk(tree, 1, null);
  return rows;
}

function findIn(tree: ExecutionTree, id: string): TreeNode | undefined {
  return allNodes(tree).find((n) => n.id === id);
}

/** Every node in document order. */
function allNodes(tree: ExecutionTree): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (nodes: TreeNode[]) => {
    for (const n of nodes) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(tree);
  return out;
}

/** Ids of the nodes above `id`, root first; empty when `id` is a root or unknown. */
export function ancestorIds(tree: ExecutionTree, id: string): string[] {
  const path: string[] = [];
  const walk = (nodes: TreeNode[]): boolean => {
    for (const n of nodes) {
      if (n.id === id) return true;
      path.push(n.id);
      if (walk(n.children)) return true;
      path.pop();
    }
    return false;
  };
  return walk(tree) ? path : [];
}

const isContentNode = (n: TreeNode) => n.node_type === 'report' || n.node_type === 'messages';

/**
 * The node whose text to show when the user has picked none: a report being written now, else the last
 * report with text (the final decision once a run completes), else the first report or messages node.
 */
export function liveContentNode(tree: ExecutionTree, contents: Record<string, string>): TreeNode | null {
  const nodes = allNodes(tree).filter(isContentNode);
  const withText = nodes.filter((n) => (contents[n.id] ?? '') !== '');
  const writing = withText.filter((n) => n.status === 'in_progress');
  const reports = withText.filter((n) => n.node_type === 'report');
  return writing.at(-1) ?? reports.at(-1) ?? withText.at(-1) ?? nodes[0] ?? null;
}

/**
 * The node to show for a selection: a content node as is, an agent or phase through its first content node,
 * a tool call through its agent's messages (where its call and answer are written), given the tree.
 */
export function contentNodeFor(node: TreeNode, tree?: ExecutionTree): TreeNode | null {
  if (isContentNode(node)) return node;
  if (node.node_type === 'tool_call') {
    const agentId = tree ? ancestorIds(tree, node.id).at(-1) : undefined;
    const agent = agentId && tree ? findIn(tree, agentId) : undefined;
    return agent?.children.find((n) => n.node_type === 'messages') ?? null;
  }
  return allNodes(node.children).find((n) => n.node_type === 'report') ?? allNodes(node.children).find(isContentNode) ?? null;
}
