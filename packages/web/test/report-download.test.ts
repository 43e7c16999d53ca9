import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/api/http-client.js';
import ReportDownload from '../src/components/runs/ReportDownload.vue';

const RUN = 'BRK.B--2026-12-06_20.00.00--a1b2c3';

describe('report download', () => {
  it('links point at the export endpoints, with the token as a query parameter when there is one', () => {
    expect(new HttpClient().reportDownloadUrl(RUN, 'md')).toBe(`/runs/${RUN}/report.md`);
    expect(new HttpClient({ baseUrl: 'http://h:1/', token: 'a b&c' }).reportDownloadUrl(RUN, 'html')).toBe(
      `http://h:1/runs/${RUN}/report.html?token=a%20b%26c`,
    );
  });

  it('renders two download links in a group named for the run', () => {
    const w = mount(ReportDownload, { props: { ticker: 'ACME', mdUrl: '/r.md', htmlUrl: '/r.html' } });
    expect(w.get('[role="group"]').attributes('aria-label')).toBe('Download the ACME report');
    const links = w.findAll('a');
    expect(links.map((a) => [a.attributes('href'), a.attributes('download'), a.text()])).toEqual([
      ['/r.md', '', 'Download report (.md)'],
      ['/r.html', '', 'Download report (.html)'],
    ]);
  });
});
