import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createReadiness } from '../src/readiness.js';

test('no checks means ready', async () => {
  assert.deepEqual(await createReadiness([])(), { ready: true, checks: {}, failures: [] });
});

test('concurrent callers share one run of the checks', async () => {
  let runs = 0;
  const readiness = createReadiness([
    {
      name: 'slow',
      run: async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    },
  ]);
  const reports = await Promise.all([readiness(), readiness(), readiness()]);
  assert.equal(runs, 1);
  assert.ok(reports.every((report) => report.ready));
  await readiness();
  assert.equal(runs, 2, 'a later call runs the checks again');
});

test('a failing check is reported with its error', async () => {
  const report = await createReadiness([
    { name: 'cache', run: async () => Promise.reject(new Error('nope')) },
    { name: 'database', run: async () => {} },
  ])();
  assert.equal(report.ready, false);
  assert.deepEqual(report.checks, { cache: 'fail', database: 'ok' });
  assert.equal(report.failures[0]?.name, 'cache');
  assert.equal(report.failures[0]?.error.message, 'nope');
});
