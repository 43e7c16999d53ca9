import Router from '@koa/router';
import { API_ROUTES } from '@tradingfloor/shared';
import { exportRunReport, type ReportFormat } from '../export/export-report.js';
import { tradingfloorVersion } from '../version.js';
import { defineRoute } from './define-route.js';
import type { RouteDeps } from './route-deps.js';
import { requireRun } from './run-param.js';

/**
 * `GET /runs/:id/report.md` and `GET /runs/:id/report.html`: a finished run's whole report as one document,
 * an attachment by default (`?inline=1` shows it in the browser). 404 unknown run, 409 while it runs. Works
 * for runs evicted from memory or read from disk alike (the manager's view reads them back).
 */
export function exportRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const { manager } = deps;

  const handler =
    (format: ReportFormat) =>
    async ({ params, query, ctx }: { params: { id: string }; query: { inline: boolean }; ctx: import('koa').Context }) => {
      const run = requireRun(manager, params.id);
      const exported = await exportRunReport(run, () => manager.chart(run.runId), format, {
        version: tradingfloorVersion(),
        now: new Date(deps.now()),
      });
      ctx.set('Content-Disposition', `${query.inline ? 'inline' : 'attachment'}; filename="${exported.fileName}"`);
      // The HTML is self-contained: a browser showing it inline may run no script and load nothing.
      if (format === 'html')
        ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.type = exported.contentType;
      return exported.body;
    };
  defineRoute(router, API_ROUTES.runReportMarkdown, handler('md'));
  defineRoute(router, API_ROUTES.runReportHtml, handler('html'));
  return router;
}
