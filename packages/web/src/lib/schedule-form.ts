import type { CreateScheduleRequest, MissedPolicy } from '@tradingfloor/shared';
import { checkRunForm, DEFAULT_RUN_FORM, type RunFormCheck, type RunFormDraft } from './run-form.js';

/** What the schedule form holds: the run form's fields without a trade date, plus when and how it fires. */
export interface ScheduleFormDraft extends Omit<RunFormDraft, 'trade_date'> {
  name: string;
  cron: string;
  timezone: string;
  missed: MissedPolicy;
}

/** The browser's own time zone (UTC when it cannot say). */
function browserTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function defaultScheduleForm(): ScheduleFormDraft {
  const { trade_date: _date, ...run } = DEFAULT_RUN_FORM;
  return { ...run, name: '', cron: '0 9 * * 1-5', timezone: browserTimezone(), missed: 'run_once' };
}

/** The run form's check of tickers and options, plus the cron / zone presence and the body to post. */
export interface ScheduleFormCheck extends Omit<RunFormCheck, 'request'> {
  cronError: string | null;
  timezoneError: string | null;
  request: CreateScheduleRequest | null;
}

/**
 * Checks a draft as the run form checks its own (the shared schemas; every fire analyses the data's latest
 * day, so there is no trade date). Whether the cron expression and zone are valid only the server's cron
 * library says: the form shows its preview or its `{ error }`.
 */
export function checkScheduleForm(draft: ScheduleFormDraft, instruments?: Parameters<typeof checkRunForm>[2]): ScheduleFormCheck {
  const run = checkRunForm({ ...draft, trade_date: '' }, null, instruments);
  const cronError = draft.cron.trim() === '' ? 'enter a cron expression, e.g. 0 9 * * 1-5' : null;
  const timezoneError = draft.timezone.trim() === '' ? 'enter a time zone, e.g. America/New_York' : null;
  if (!run.request || cronError || timezoneError) return { ...run, cronError, timezoneError, request: null };
  const { company_symbols, trade_date: _date, instrument_positions: _positions, ...options } = run.request;
  const request: CreateScheduleRequest = {
    ...options,
    tickers: company_symbols,
    cron: draft.cron.trim(),
    timezone: draft.timezone.trim(),
    missed: draft.missed,
    ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
  };
  return { ...run, cronError, timezoneError, request };
}
