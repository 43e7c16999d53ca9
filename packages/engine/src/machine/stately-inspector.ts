import { ConfigError } from '@tradingfloor/shared';
import type { InspectionEvent } from 'xstate';
import type { EngineEnv } from '../config/engine-env.js';

/** What `INSPECT` / `INSPECT_URL` (or `--inspect`) ask for: null = no Stately inspector. */
export interface StatelySetting {
  url: string;
}

/** A connected Stately inspector: pass `inspect` to every run actor (RunManager's `inspect` option). */
export interface StatelyInspector {
  url: string;
  inspect(event: InspectionEvent): void;
  /** Closes the WebSocket (a reconnect attempt already scheduled by the library may still fire once). */
  stop(): void;
}

/**
 * Whether to connect the Stately inspector, from the parsed `INSPECT` (`stately` turns it on) and `INSPECT_URL`
 * (default `ws://localhost:8080`, where `createInspectorServer()` of `@statelyai/inspect/server` listens).
 * `force` (the `--inspect` flag) turns it on whatever `INSPECT` says. The URL is checked only when the
 * inspector is on: `ConfigError` unless it is a ws:// or wss:// URL.
 */
export function statelySettingFromEnv(env: Pick<EngineEnv, 'stately'>, force = false): StatelySetting | null {
  if (!env.stately.enabled && !force) return null;
  const url = env.stately.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`INSPECT_URL must be a ws:// or wss:// URL, got "${url}"`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')
    throw new ConfigError(`INSPECT_URL must be a ws:// or wss:// URL, got "${url}"`);
  return { url };
}

/**
 * Connects `@statelyai/inspect`'s WebSocket inspector (loaded only when asked for). It keeps retrying in
 * the background while no relay listens, holding the last events, so the server starts either way.
 */
export async function connectStatelyInspector(setting: StatelySetting): Promise<StatelyInspector> {
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  const inspector = createWebSocketInspector({ url: setting.url });
  return {
    url: setting.url,
    inspect: (event) => {
      try {
        inspector.inspect.next?.(event);
      } catch {
        // Debugging aid only: a fault in it must never reach a run.
      }
    },
    stop: () => inspector.stop(),
  };
}
