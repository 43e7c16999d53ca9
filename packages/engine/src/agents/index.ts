export type { AgentContext, AgentResult, DebateTurn, Reports } from './agent-context.js';
export { runAnalyst } from './analyst.js';
export { runResearcher } from './researcher.js';
export { runResearchManager } from './research-manager.js';
export { runTrader } from './trader.js';
export { runRiskAnalyst, type RiskStance } from './risk-analyst.js';
export { runPortfolioManager } from './portfolio-manager.js';
export { DEFAULT_MAX_TOOL_ROUNDS, runToolLoop, type ToolLoopResult } from './tool-loop.js';
