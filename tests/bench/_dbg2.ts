import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { measureApi } from './api-latency.js';
import { parseBenchArgs } from './bench-options.js';
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
const figs = await measureApi({ ...parseBenchArgs([]), apiRequests: 100 });
const { profile } = await s.post('Profiler.stop'); await writeFile('/tmp/prof/api.cpuprofile', JSON.stringify(profile));
console.log(figs);
