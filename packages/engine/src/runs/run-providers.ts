import { errorMessage, ValidationError, type RunConfig } from '@tradingfloor/shared';
import { replayOnlyProvider } from '../providers/cassette/check-cassette.js';
import type { LlmProvider } from '../providers/provider.js';
import { providerProblem } from './validate-requests.js';

/** Builds each run's provider up front, so an unusable provider refuses the whole batch. */
export function providersFor(configs: RunConfig[], providerFor: (config: RunConfig) => LlmProvider): LlmProvider[] {
  const problems: string[] = [];
  const providers: LlmProvider[] = [];
  for (const config of configs) {
    try {
      providers.push(providerFor(config));
    } catch (error) {
      // A replay never reaches the provider: an unconfigured one (no key) is fine, the cassette answers.
      if (config.cassette?.mode === 'replay') providers.push(replayOnlyProvider(config.llm_provider, errorMessage(error)));
      else problems.push(providerProblem(config.ticker, error));
    }
  }
  if (problems.length > 0) throw new ValidationError(problems.join('; '));
  return providers;
}
