export { startFakeProvider, type FakeProvider, type FakeProviderOptions, type FakeScript } from './fake-provider.js';
export { createDefaultScript, type DefaultScriptOptions } from './default-script.js';
export { gatedScript, type GatedScript } from './gated-script.js';
export { estimateUsage, type FakeReply, type FakeToolCall, type FakeUsage } from './fake-reply.js';
export type { FakeMessage, FakeRequest, FakeTool, WireFormat } from './fake-request.js';
