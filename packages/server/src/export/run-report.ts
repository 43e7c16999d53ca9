import type { ChartData, Decision, RunPhase, RunStatus, TreeNode } from '@tradingfloor/shared';
import type { RunView } from '@tradingfloor/engine';
import { provenanceOf, type ProvenanceRow } from './provenance.js';

/** One report of the document: a title and the model's markdown, untrusted, as the run wrote it. */
interface ReportSection {
  id: string;
  title: string;
  markdown: string;
}

/** A part of the document: the reports of one phase, in pipeline order (a debate: round by round). */
interface ReportPart {
  id: RunPhase;
  title: string;
  sections: ReportSection[];
}

/** Everything an exported report shows, independent of its format (`report-markdown.ts`, `report-html.ts`). */
export interface RunReport {
  runId: string;
  ticker: string;
  tradeDate: string;
  status: RunStatus;
  /** Why the document is incomplete (a run that ended in error, was canceled or interrupted); null when complete. */
  banner: string | null;
  decision: Decision | null;
  parts: ReportPart[];
  /** The price chart up to the trade date; null with `chartNote` saying why when there is none. */
  chart: ChartData | null;
  chartNote: string | null;
  provenance: ProvenanceRow[];
  /** ISO time the document was made. */
  generatedAt: string;
}

/** Titles of the document's parts, by phase. */
const PART_TITLES: Record<RunPhase, string> = {
  analysts: 'Analyst reports',
  research_debate: 'Research debate',
  research_manager: 'Research manager’s investment plan',
  trader: 'Trader’s plan',
  risk_debate: 'Risk debate',
  portfolio_manager: 'Final decision text (portfolio manager)',
};
const DEBATES: ReadonlySet<string> = new Set<RunPhase>(['research_debate', 'risk_debate']);

/** What the export needs besides the run's view. */
export interface ReportInputs {
  /** The run's chart, or why there is none (the data has no prices for it, the vendor failed). */
  chart: { data: ChartData } | { unavailable: string };
  version: string;
  now: Date;
}

/**
 * Gathers a finished run's whole report from its view (live, evicted or read from disk alike): the decision,
 * every report in pipeline order with the debates turned into round-by-round transcripts, the chart and the
 * provenance. A run that did not complete gets a banner saying what is missing and why.
 */
export function buildRunReport(view: RunView, inputs: ReportInputs): RunReport {
  const { summary } = view;
  const chart = 'data' in inputs.chart && inputs.chart.data.bars.length > 0 ? inputs.chart.data : null;
  const chartNote =
    chart !== null
      ? null
      : 'unavailable' in inputs.chart
        ? inputs.chart.unavailable
        : (inputs.chart.data.unavailable ?? 'the data has no prices for this run');
  return {
    runId: summary.run_id,
    ticker: summary.ticker,
    tradeDate: summary.trade_date,
    status: summary.status,
    banner: bannerOf(summary.status, view.error),
    decision: view.decision,
    parts: partsOf(view.tree, view.contents),
    chart,
    chartNote,
    provenance: provenanceOf(view, chart ?? ('data' in inputs.chart ? inputs.chart.data : null), inputs.version),
    generatedAt: inputs.now.toISOString(),
  };
}

function bannerOf(status: RunStatus, error: string | null): string | null {
  switch (status) {
    case 'completed':
      return null;
    case 'error':
      return `This run failed${error ? `: ${error}` : ''}. The report holds what was produced before the failure.`;
    case 'canceled':
      return 'This run was canceled. The report holds what was produced before the cancel.';
    case 'interrupted':
      return 'This run was interrupted (the server or CLI stopped) and has not been resumed. The report holds what was produced so far.';
    default:
      return `This run is ${status.replace('_', ' ')}: the report is not final.`;
  }
}

function partsOf(tree: readonly TreeNode[], contents: Readonly<Record<string, string>>): ReportPart[] {
  const parts: ReportPart[] = [];
  for (const phase of tree) {
    const id = phase.id as RunPhase;
    if (!(id in PART_TITLES)) continue;
    const speakers = phase.children
      .filter((agent) => agent.node_type === 'agent')
      .flatMap((agent) => {
        const report = agent.children.find((c) => c.node_type === 'report');
        const text = report ? contents[report.id] : undefined;
        return text && text.trim() !== '' ? [{ id: agent.id, name: agent.name, text }] : [];
      });
    if (speakers.length === 0) continue;
    const sections = DEBATES.has(id) ? debateSections(speakers) : speakers.map((s) => ({ id: s.id, title: s.name, markdown: s.text }));
    parts.push({ id, title: PART_TITLES[id], sections });
  }
  return parts;
}

const ROUND_HEADING = /^### Round (\d+)[ \t]*$/m;

/**
 * A debate as one transcript, round by round and speaker by speaker in speaking order. Each speaker's report is
 * their turns under `### Round n` headings (the engine's transcript files); text without them is one turn.
 */
function debateSections(speakers: Array<{ id: string; name: string; text: string }>): ReportSection[] {
  const turns: Array<{ round: number; order: number; section: ReportSection }> = [];
  speakers.forEach((speaker, order) => {
    const pieces = speaker.text.split(ROUND_HEADING);
    if (pieces.length === 1) {
      turns.push({ round: 0, order, section: { id: speaker.id, title: speaker.name, markdown: speaker.text } });
      return;
    }
    for (let i = 1; i + 1 < pieces.length; i += 2) {
      const round = Number(pieces[i]);
      turns.push({
        round,
        order,
        section: { id: `${speaker.id}.round${round}`, title: `Round ${round} — ${speaker.name}`, markdown: pieces[i + 1]!.trim() },
      });
    }
  });
  return turns.sort((a, b) => a.round - b.round || a.order - b.order).map((t) => t.section);
}

const price = (v: number | null) => (v === null ? '–' : v.toFixed(2));

/** The decision's figures as label / plain-text value pairs, in the order both formats show them. */
export function decisionFacts(decision: Decision): Array<{ label: string; value: string }> {
  const r = decision.risk_metrics;
  const size = decision.position_size;
  return [
    { label: 'Action', value: decision.action },
    { label: 'Rating', value: decision.rating },
    { label: 'Confidence', value: `${Math.round(decision.confidence * 100)}%` },
    { label: 'Position', value: decision.position_action.replace(/_/g, ' ') },
    { label: 'Size', value: size === null || size === undefined ? '–' : `${Math.round(size * 100)}% of full` },
    { label: 'Entry', value: price(r.entry_price) },
    { label: 'Stop loss', value: price(r.stop_loss) },
    { label: 'Take profit', value: price(r.take_profit) },
    { label: 'Reward / risk', value: r.reward_risk === null ? '–' : `${r.reward_risk.toFixed(2)} : 1` },
  ];
}

/** The file name of an exported report: `<ticker>_<trade date>_<run id's last part>.<ext>` (safe: all parts are validated). */
export function reportFileName(report: Pick<RunReport, 'runId' | 'ticker' | 'tradeDate'>, ext: 'md' | 'html'): string {
  const short = report.runId.split('--').at(-1) ?? report.runId;
  return `${report.ticker}_${report.tradeDate}_${short}.${ext}`;
}
