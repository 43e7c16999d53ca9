import type { ToolSpec } from '../providers/provider.js';

/**
 * A tool an analyst can call. `run` returns the text the model reads (a compact table or JSON); for data
 * that does not exist it returns a plain "data unavailable: …" text rather than throwing, so the model can
 * say so instead of inventing numbers. It throws only on cancel or on a fault the run must fail on.
 */
export interface DataTool {
  spec: ToolSpec;
  /**
   * `served` hears the name of the vendor that answered (once per call, when a vendor was asked) and, when
   * the tool has it at hand, the one-line summary of its answer (see `summariseAnswerObject`).
   */
  run(args: Record<string, unknown>, signal: AbortSignal, served?: (vendor: string, summary?: string) => void): Promise<string>;
}
