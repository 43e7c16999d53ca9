import type { BenchOptions } from './bench-options.js';
import { fakeProviderEnv, startFakeLlm } from './engine-fixture.js';
import { atMost, figure, type Figure } from './figures.js';
import { startBenchServer } from './server-fixture.js';
import { snapshotBytes, SnapshotWeigher } from './snapshot-weigher.js';
import { BenchClient } from './ws-clients.js';

/** The focused stream's message types, in the order the figures list their bytes per run. */
const MESSAGE_TYPES = ['init_run', 'status_patch_run', 'content_patch_run', 'status_update_run', 'log_append_run'] as const;

/**
 * Figure 4, like with like. Target: the bytes of the messages that carry a run's state (`init_run`,
 * `status_patch_run`, `content_patch_run`, `status_update_run`) a focused WebSocket client receives over a
 * whole run, over the bytes a server sending a full snapshot of that state at every update the client got
 * would have sent ({@link SnapshotWeigher}). The log stream (`log_append_run`) is left out of both sides: a
 * server sending snapshots would stream the same log lines, so counting them on one side only (as this figure
 * did until 2026-12-07) measures the log, not the patches. For information: all the bytes over the snapshots
 * plus the same log bytes; the bytes per run, whole and by message type; and the older baseline, a snapshot
 * at each `changed` event of the engine, weighed in the server process: it depends on how the engine batches
 * its changes (engine threads send a run's changes once per turn, ~5× fewer events than in-process), so it
 * stopped measuring the patches alone.
 */
export async function measurePatchEfficiency(options: BenchOptions): Promise<Figure[]> {
  const fake = await startFakeLlm(options.latencyMs);
  const bench = await startBenchServer(fakeProviderEnv(fake));
  const baseline = new Map<string, { bytes: number; changes: number }>();
  const { manager } = bench.server;
  const unsubscribe = manager.subscribe((event) => {
    if (event.type !== 'changed' && event.type !== 'finished') return;
    const view = manager.get(event.run_id);
    if (!view) return;
    const bytes = snapshotBytes({
      runId: event.run_id,
      ticker: view.summary.ticker,
      status: view.summary.status,
      progress: view.summary.overall_progress,
      tree: view.tree,
      contents: view.contents,
      error: view.error,
      decision: view.decision,
      dataSources: view.dataSources ?? {},
    });
    const entry = baseline.get(event.run_id) ?? { bytes: 0, changes: 0 };
    entry.bytes += bytes;
    entry.changes++;
    baseline.set(event.run_id, entry);
  });
  const clients: BenchClient[] = [];
  try {
    const runIds = await bench.startRuns(options.patchRuns);
    const weighers = runIds.map((id) => new SnapshotWeigher(id));
    const connect = (id: string, i: number) => BenchClient.connect(`${bench.wsUrl}?run_id=${encodeURIComponent(id)}`, (m) => weighers[i]!.receive(m));
    clients.push(...(await Promise.all(runIds.map(connect))));
    await Promise.all(runIds.map((id) => manager.whenFinished(id)));
    await Promise.all(clients.map((c) => c.untilTerminal()));
    const sent = clients.reduce((n, c) => n + c.bytes, 0);
    const sentState = clients.reduce((n, c) => n + c.stateBytes, 0);
    const logBytes = sent - sentState;
    const naive = weighers.reduce((n, w) => n + w.bytes, 0);
    const updates = weighers.reduce((n, w) => n + w.updates, 0);
    const engineNaive = runIds.reduce((n, id) => n + (baseline.get(id)?.bytes ?? 0), 0);
    const changes = runIds.reduce((n, id) => n + (baseline.get(id)?.changes ?? 0), 0);
    if (naive === 0 || engineNaive === 0) throw new Error('no updates were seen: the baseline is empty');
    const perRun = (bytes: number) => bytes / runIds.length / 1024;
    const byType = (type: string) => clients.reduce((n, c) => n + (c.bytesByType.get(type) ?? 0), 0);
    return [
      figure(`patch efficiency: focused state-stream bytes / a full snapshot per update received (${updates} updates of ${runIds.length} runs)`, sentState / naive, 'ratio', atMost(0.1)),
      figure('patch efficiency: all focused bytes / (full snapshot per update + the same log stream)', sent / (naive + logBytes), 'ratio'),
      figure(`patch efficiency: focused state-stream bytes / full snapshot per engine \`changed\` event (${changes} events; older baseline)`, sentState / engineNaive, 'ratio'),
      figure('patch efficiency: focused WS bytes per run', perRun(sent), 'KiB'),
      figure('patch efficiency: state-stream bytes per run', perRun(sentState), 'KiB'),
      ...MESSAGE_TYPES.map((type) => figure(`patch efficiency: ${type} bytes per run`, perRun(byType(type)), 'KiB')),
      figure('patch efficiency: full snapshots per update, bytes per run (baseline)', perRun(naive), 'KiB'),
    ];
  } finally {
    unsubscribe();
    for (const c of clients) c.close();
    await bench.close();
    await fake.stop();
  }
}
