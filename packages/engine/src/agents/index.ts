export { runAnalyst } from './analyst.js';
export { runResearcher } from './researcher.js';
export { runResearchManager } from './research-manager.js';
export { runTrader } from './trader.js';
export { runRiskAnalyst } from './risk-analyst.js';
export { runPortfolioManager } from './portfolio-manager.js';
