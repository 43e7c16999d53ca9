import type { CreateScheduleRequest, Schedule, SchedulePreviewResponse } from '@tradingfloor/shared';
import type { HttpClient } from './http-client.js';

// Every call goes through the shared route table (`API_ROUTES`), so paths and response checks come from one place.

/** `GET /schedules`: every schedule with its last and next fires. */
export async function listSchedules(http: HttpClient): Promise<Schedule[]> {
  return (await http.call('listSchedules')).schedules;
}

/** `POST /schedules` (201); a 400 becomes an `ApiError` with the server's reason (bad cron, zone, ticker). */
export function createSchedule(http: HttpClient, body: CreateScheduleRequest): Promise<Schedule> {
  return http.call('createSchedule', { body });
}

/** `DELETE /schedules/:id` (404 when it is gone already). */
export async function deleteSchedule(http: HttpClient, id: string): Promise<void> {
  await http.call('deleteSchedule', { params: { id } });
}

/** `GET /schedules/preview`: the next fire times of an expression in a zone, or a 400 saying what is wrong. */
export function previewSchedule(http: HttpClient, cron: string, timezone: string, count = 5): Promise<SchedulePreviewResponse> {
  return http.call('previewSchedule', { query: { cron, timezone, count } });
}
