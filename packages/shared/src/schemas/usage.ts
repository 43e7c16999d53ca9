import { z } from 'zod';
import { ownRecord } from './own-record.js';

/** Token usage and cost. `cost_usd` is null when a model's price is unknown (tokens only). */
export const UsageSchema = z.object({
  calls: z.number().int().nonnegative(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cost_usd: z.number().nonnegative().nullable(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** A run's usage in total, per agent (node id of the agent) and per model. */
export const RunUsageSchema = z.object({
  total: UsageSchema,
  // Keyed by names from outside (a provider may answer `"model": "__proto__"`): every key is kept as data.
  by_agent: ownRecord(UsageSchema),
  by_model: ownRecord(UsageSchema),
});
export type RunUsage = z.infer<typeof RunUsageSchema>;

export const EMPTY_USAGE: Usage = { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
