import { ConfigError } from '@tradingfloor/shared';
import type { InspectionEvent } from 'xstate';

/** Where the Stately inspector relay listens by default (`createInspectorServer()` of `@statelyai/inspect/server`). */
const DEFAULT_STATELY_URL = 'ws://localhost:8080';

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
 * Reads `INSPECT` (`stately` turns it on; unset, empty, `off` or `0` leave it off) and `INSPECT_URL`
 * (a ws:// or wss:// URL, default {@link DEFAULT_STATELY_URL}). `force` (the `--inspect` flag) turns it on
 * whatever `INSPECT` says. Throws `ConfigError` on any other value, so a typo stops the process at start-up.
 */
export function statelySettingFromEnv(env: Record<string, string | undefined>, force = false): StatelySetting | null {
  const raw = (env.INSPECT ?? '').trim().toLowerCase();
  if (!['', 'off', '0', 'false', 'stately'].includes(raw)) {
    throw new ConfigError(`INSPECT must be "stately" (or unset), got "${env.INSPECT}"`);
  }
  if (raw !== 'stately' && !force) return null;
  const url = (env.INSPECT_URL ?? '').trim() || DEFAULT_STATELY_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`INSPECT_URL must be a ws:// or wss:// URL, got "${url}"`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new ConfigError(`INSPECT_URL must be a ws:// or wss:// URL, got "${url}"`);
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
