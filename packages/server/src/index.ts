export { createApp, type AppDeps, type TradingFloorApp } from './app.js';
export { isLoopbackHost, loadServerConfig, type ServerConfig, type ServerConfigOverrides } from './config.js';
export { startServer, type RunningServer, type StartServerOverrides } from './serve.js';
export { runRetention, startRetention, type RetentionPolicy, type RetentionReport, type RetentionScheduler } from './retention.js';
export { renderMarkdownSafe } from './render/markdown-html.js';
export { renderDecisionHtml } from './render/decision-html.js';
export { WsHub, type WsHubOptions } from './ws/hub.js';
export type { ProviderInfo } from './routes/route-deps.js';
