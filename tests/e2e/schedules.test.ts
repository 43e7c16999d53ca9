import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/test/support/manual-clock.js';
import { watchConsole } from './support/console-watch.js';
import { useE2eSession } from './support/e2e-session.js';
import { KNOWN_CONSOLE_NOISE } from './support/spa-page.js';

const e2e = useE2eSession();

describe('the Schedules view in Chromium', () => {
  it('adds a schedule from the form with the server’s preview, shows its fired batch on the board, deletes it after confirming', async () => {
    // Monday 7 Dec 2026, 08:59 in Paris: the schedule's clock moves only when the test moves it.
    const clock = new ManualClock(Date.parse('2026-12-07T07:59:00.000Z'));
    const app = await e2e.startApp({}, { scheduleClock: clock });
    const page = await e2e.browser.newPage({ width: 1280, height: 900 });
    // The browser logs every 4xx answer; the preview's 400 for the invalid expression typed below is expected.
    const console = watchConsole(page, [...KNOWN_CONSOLE_NOISE, /status of 400 \(Bad Request\) @ \S+\/schedules\/preview\?cron=0\+9\+\*\+\*&/]);
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Schedules', exact: true }).click();
    await page.getByText('No schedules yet — add one above.').waitFor();

    await page.fill('#tickers', 'ACME, GLOBEX');
    await page.fill('#schedule-name', 'Paris open');
    await page.fill('#schedule-timezone', 'Europe/Paris');
    await page.fill('#schedule-cron', '0 9 * * 1-5');
    await page.fill('#latency', '0');
    const preview = page.locator('[data-test="schedule-preview"]');
    await expect.poll(() => preview.locator('li').first().textContent()).toBe('Mon, 7 Dec 2026, 09:00 (Europe/Paris)');
    expect(await preview.locator('li').count()).toBe(5);
    // The server's cron library decides what is valid; its reason is shown as it is typed.
    await page.fill('#schedule-cron', '0 9 * *');
    await expect.poll(() => preview.textContent()).toMatch(/invalid cron expression "0 9 \* \*"/);
    await page.fill('#schedule-cron', '0 9 * * 1-5');
    await expect.poll(() => preview.locator('li').count()).toBe(5);
    await page.getByRole('button', { name: 'Add schedule' }).click();

    const row = page.locator('[data-test="schedule-list"] tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/Paris open.*ACME, GLOBEX.*0 9 \* \* 1-5 · Europe\/Paris.*Mon, 7 Dec 2026, 09:00 \(Europe\/Paris\).*never/);
    const [schedule] = app.server.scheduler.list();
    expect(schedule).toMatchObject({ name: 'Paris open', tickers: ['ACME', 'GLOBEX'], options: { offline_latency_ms: 0 } });

    // 09:00 in Paris: the schedule fires; the view shows it when it reads the list again (on being opened).
    clock.advanceTo(Date.parse('2026-12-07T08:00:00.000Z'));
    await app.server.scheduler.idle();
    const batchId = app.server.scheduler.get(schedule!.schedule_id)!.last_fire!.batch_id!;
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    await page.getByRole('button', { name: 'Schedules', exact: true }).click();
    await expect.poll(() => row.textContent()).toMatch(/2026-12-07 08:00 UTC: started 2 runs/);
    expect(await row.textContent()).toContain('Tue, 8 Dec 2026, 09:00 (Europe/Paris)');

    await row.getByRole('button', { name: /Show batch on the board/ }).click();
    const boardRows = page.locator('[role="row"][data-run-id]');
    await expect.poll(() => boardRows.count(), { timeout: 20_000 }).toBe(2);
    const batchOfRuns = app.server.manager.list().filter((r) => r.batch_id === batchId);
    expect(batchOfRuns.map((r) => r.ticker).sort()).toEqual(['ACME', 'GLOBEX']);

    await page.getByRole('button', { name: 'Schedules', exact: true }).click();
    await row.getByRole('button', { name: 'Delete Paris open' }).click();
    // Asked first: the confirm button has the focus; Escape keeps the schedule.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Delete Paris open?');
    await page.keyboard.press('Escape');
    await row.getByRole('button', { name: 'Delete Paris open' }).click();
    await page.keyboard.press('Enter');
    await page.getByText('No schedules yet — add one above.').waitFor();
    expect(app.server.scheduler.list()).toEqual([]);

    await Promise.all(batchOfRuns.map((r) => app.server.manager.whenFinished(r.run_id)));
    expect(console.errors).toEqual([]);
  }, 180_000);
});
