import type { CreateScheduleRequest, Schedule, SchedulePreviewResponse } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { createSchedule, deleteSchedule, listSchedules, previewSchedule } from '../api/schedules-api.js';
import { defaultScheduleForm, type ScheduleFormDraft } from '../lib/schedule-form.js';
import { useBoardStore } from './board-store.js';
import { useRunsStore } from './runs-store.js';
import { useTransport } from './transport-context.js';
import { useUiPrefsStore } from './ui-prefs-store.js';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Schedules for the Schedules view: the list (`GET /schedules`), the add form's draft and the server's
 * preview of its cron expression, creating and deleting, and showing a schedule's last batch on the board.
 */
export const useSchedulesStore = defineStore('schedules', () => {
  const schedules = ref<Schedule[]>([]);
  const loaded = ref(false);
  const listError = ref<string | null>(null);
  const draft = ref<ScheduleFormDraft>(defaultScheduleForm());
  const preview = shallowRef<SchedulePreviewResponse | null>(null);
  const previewError = ref<string | null>(null);
  const creating = ref(false);
  const createError = ref<string | null>(null);
  const deletingId = ref<string | null>(null);
  const deleteError = ref<string | null>(null);
  /** Only the answer to the latest preview request is shown (typing sends several). */
  let previewSeq = 0;

  /** Newest first. */
  const sorted = computed(() => [...schedules.value].sort((a, b) => b.created_at.localeCompare(a.created_at)));

  async function refresh(): Promise<void> {
    try {
      schedules.value = await listSchedules(useTransport().http);
      listError.value = null;
    } catch (err) {
      listError.value = errorText(err);
    } finally {
      loaded.value = true;
    }
  }

  /** Asks the server for the next fire times of the draft's expression and zone (or why it refuses them). */
  async function loadPreview(): Promise<void> {
    const seq = ++previewSeq;
    const { cron, timezone } = draft.value;
    if (cron.trim() === '' || timezone.trim() === '') {
      preview.value = null;
      previewError.value = null;
      return;
    }
    try {
      const answer = await previewSchedule(useTransport().http, cron.trim(), timezone.trim());
      if (seq !== previewSeq) return;
      preview.value = answer;
      previewError.value = null;
    } catch (err) {
      if (seq !== previewSeq) return;
      preview.value = null;
      previewError.value = errorText(err);
    }
  }

  /** `POST /schedules`; a refusal keeps the server's `{error}` in `createError`. */
  async function create(request: CreateScheduleRequest): Promise<Schedule | null> {
    creating.value = true;
    createError.value = null;
    try {
      const created = await createSchedule(useTransport().http, request);
      schedules.value = [...schedules.value.filter((s) => s.schedule_id !== created.schedule_id), created];
      draft.value = { ...draft.value, name: '' };
      return created;
    } catch (err) {
      createError.value = errorText(err);
      return null;
    } finally {
      creating.value = false;
    }
  }

  /** `DELETE /schedules/:id`; the list is read again either way (a 404 means it is gone already). */
  async function remove(id: string): Promise<void> {
    deletingId.value = id;
    deleteError.value = null;
    try {
      await deleteSchedule(useTransport().http, id);
    } catch (err) {
      deleteError.value = errorText(err);
    } finally {
      deletingId.value = null;
      await refresh();
    }
  }

  /** The board, filtered to one batch (a schedule's last fire). */
  function showBatch(batchId: string): void {
    const board = useBoardStore();
    board.clearFilter();
    board.setFilter({ batch: batchId });
    useUiPrefsStore().view = 'board';
    // The batch may have started after `/runs` was read.
    void useRunsStore().refresh();
  }

  return {
    schedules,
    sorted,
    loaded,
    listError,
    draft,
    preview,
    previewError,
    creating,
    createError,
    deletingId,
    deleteError,
    refresh,
    loadPreview,
    create,
    remove,
    showBatch,
  };
});
