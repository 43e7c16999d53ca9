export { buildAnalystPrompt, SIGNAL_LINE_FORM, type AnalystBrief, type AnalystPromptInput } from './analyst-prompt.js';
export { buildMarketAnalystPrompt } from './market-analyst.js';
export { buildSocialAnalystPrompt } from './social-analyst.js';
export { buildNewsAnalystPrompt } from './news-analyst.js';
export { buildFundamentalsAnalystPrompt } from './fundamentals-analyst.js';
export { buildResearcherPrompt, type ResearcherBrief, type ResearcherPromptInput } from './researcher-prompt.js';
export { buildBullResearcherPrompt } from './bull-researcher.js';
export { buildBearResearcherPrompt } from './bear-researcher.js';
export { buildResearchManagerPrompt, type ResearchManagerPromptInput } from './research-manager.js';
export { buildTraderPrompt, type TraderPromptInput } from './trader.js';
export { buildRiskAnalystPrompt, type RiskAnalystBrief, type RiskAnalystPromptInput } from './risk-analyst-prompt.js';
export { buildAggressiveAnalystPrompt } from './aggressive-analyst.js';
export { buildConservativeAnalystPrompt } from './conservative-analyst.js';
export { buildNeutralAnalystPrompt } from './neutral-analyst.js';
export { buildPortfolioManagerPrompt, type PortfolioManagerPromptInput } from './portfolio-manager.js';
export {
  describeInstrument,
  describePosition,
  promptContextOf,
  renderContextBlock,
  renderDebate,
  renderReports,
  type Prompt,
  type PromptContext,
} from './prompt-context.js';
