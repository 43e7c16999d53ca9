import { errorMessage, ValidationError, type Cassette, type RunConfig } from '@tradingfloor/shared';
import { checkCassette } from '../providers/cassette/check-cassette.js';

/** What `resume` may change of a run's config: memory on/off, and the cassette (null = none). */
export interface ResumeOverrides {
  memory?: boolean;
  cassette?: Cassette | null;
}

/** Checks every run's cassette (all problems at once) and makes its directory absolute, in place. */
export async function resolveCassettes(configs: RunConfig[]): Promise<void> {
  const problems: string[] = [];
  await Promise.all(
    configs.map(async (config) => {
      if (!config.cassette) return;
      try {
        config.cassette = await checkCassette(config.cassette, config.ticker);
      } catch (error) {
        problems.push(errorMessage(error));
      }
    }),
  );
  if (problems.length > 0) throw new ValidationError(problems.join('; '));
}

/** The stored config with the resume's overrides applied (cassette checked); the same object when nothing changes. */
export async function resumedConfig(config: RunConfig, overrides: ResumeOverrides): Promise<RunConfig> {
  if (overrides.memory === undefined && overrides.cassette === undefined) return config;
  const next: RunConfig = { ...config };
  if (overrides.memory !== undefined) next.memory = overrides.memory;
  if (overrides.cassette === null) delete next.cassette;
  else if (overrides.cassette !== undefined) next.cassette = await checkCassette(overrides.cassette, config.ticker);
  return next;
}
