import { describe, expect, it } from 'vitest';
import { ClientMessageSchema, InspectQuerySchema, InspectionRecordSchema, ServerMessageSchema } from '../src/index.js';

const record = { seq: 3, ts: 1, type: '@xstate.event', actor: 'x:0', event: 'START', state: { in_progress: { analysts: { market: 'running' } } } };

describe('inspection protocol', () => {
  it('accepts inspect_append_run / inspect_snapshot_run and the inspect_dump action', () => {
    for (const type of ['inspect_append_run', 'inspect_snapshot_run']) {
      expect(ServerMessageSchema.safeParse({ type, run_id: 'r', seq: 1, session: 'ab12cd34', records: [record] }).success).toBe(true);
    }
    expect(ClientMessageSchema.parse({ action: 'inspect_dump' })).toEqual({ action: 'inspect_dump' });
  });

  it('refuses records without a state or with a state value that is not a statechart value', () => {
    const { state: _state, ...stateless } = record;
    expect(InspectionRecordSchema.safeParse(stateless).success).toBe(false);
    expect(InspectionRecordSchema.safeParse({ ...record, state: { in_progress: 3 } }).success).toBe(false);
    expect(InspectionRecordSchema.safeParse({ ...record, state: null }).success).toBe(true);
  });

  it('parses the inspect query with defaults and bounds', () => {
    expect(InspectQuerySchema.parse({})).toEqual({ after_seq: 0, limit: 500 });
    expect(InspectQuerySchema.parse({ after_seq: '7', limit: '20' })).toEqual({ after_seq: 7, limit: 20 });
    expect(InspectQuerySchema.safeParse({ limit: '1001' }).success).toBe(false);
  });
});
