import type { BenchOptions } from './bench-options.js';
import { fakeProviderEnv, startFakeLlm } from './engine-fixture.js';
import { atMost, figure, type Figure } from './figures.js';
import { startBenchServer } from './server-fixture.js';
import { SnapshotWeigher } from './snapshot-weigher.js';
import { BenchClient } from './ws-clients.js';

/**
 * Figure 4: the bytes a focused WebSocket client receives for a whole run (init, patches, logs, the final
 * update) over what a server sending the full tree and contents at every update the client got would have
 * sent ({@link SnapshotWeigher}). For information, the older baseline: a full snapshot at each `changed`
 * event of the engine, weighed in the server process. It depends on how the engine batches its changes
 * (engine threads send a run's changes once per turn, ~5× fewer events than in-process), so it stopped
 * measuring the patches alone.
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
    const full = JSON.stringify({
      type: 'run_snapshot',
      run_id: event.run_id,
      status: view.summary.status,
      overall_progress: view.summary.overall_progress,
      execution_tree: view.tree,
      contents: view.contents,
    });
    const entry = baseline.get(event.run_id) ?? { bytes: 0, changes: 0 };
    entry.bytes += Buffer.byteLength(full);
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
    const naive = weighers.reduce((n, w) => n + w.bytes, 0);
    const updates = weighers.reduce((n, w) => n + w.updates, 0);
    const engineNaive = runIds.reduce((n, id) => n + (baseline.get(id)?.bytes ?? 0), 0);
    const changes = runIds.reduce((n, id) => n + (baseline.get(id)?.changes ?? 0), 0);
    if (naive === 0 || engineNaive === 0) throw new Error('no updates were seen: the baseline is empty');
    return [
      figure(`patch efficiency: focused WS bytes / full snapshot per update received (${updates} updates)`, sent / naive, 'ratio', atMost(0.1)),
      figure('patch efficiency: same, tree + contents streams only', sentState / naive, 'ratio'),
      figure(`patch efficiency: focused WS bytes / full snapshot per engine \`changed\` event (${changes} events; older baseline)`, sent / engineNaive, 'ratio'),
      figure('patch efficiency: focused WS bytes per run', sent / runIds.length / 1024, 'KiB'),
    ];
  } finally {
    unsubscribe();
    for (const c of clients) c.close();
    await bench.close();
    await fake.stop();
  }
}
