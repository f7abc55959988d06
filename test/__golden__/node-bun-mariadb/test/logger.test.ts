import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../src/logger.js';

function capture(level: Parameters<typeof createLogger>[0]) {
  const lines: string[] = [];
  const logger = createLogger(level, (line) => lines.push(line));
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test('writes one JSON object per line with time, level, msg and fields', () => {
  const { logger, lines, entries } = capture('info');
  logger.info('hello', { requestId: 'abc', count: 2 });

  assert.equal(lines.length, 1);
  assert.ok(lines[0]?.endsWith('\n'));
  assert.equal(lines[0]?.indexOf('\n'), lines[0]!.length - 1, 'exactly one line');
  const [entry] = entries();
  assert.deepEqual(Object.keys(entry ?? {}).slice(0, 3), ['time', 'level', 'msg']);
  assert.equal(entry?.['level'], 'info');
  assert.equal(entry?.['msg'], 'hello');
  assert.equal(entry?.['requestId'], 'abc');
  assert.equal(entry?.['count'], 2);
  assert.equal(new Date(String(entry?.['time'])).toISOString(), entry?.['time']);
});

test('drops lines below the configured level', () => {
  const { logger, entries } = capture('warn');
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  assert.deepEqual(entries().map((entry) => entry['level']), ['warn', 'error']);
});

test('fields cannot overwrite time, level or msg', () => {
  const { logger, entries } = capture('debug');
  logger.info('real', { msg: 'fake', level: 'error', time: 'never' });
  const [entry] = entries();
  assert.equal(entry?.['msg'], 'real');
  assert.equal(entry?.['level'], 'info');
  assert.notEqual(entry?.['time'], 'never');
});

test('serializes errors and bigints, and survives circular fields', () => {
  const { logger, entries } = capture('debug');
  const error = Object.assign(new Error('boom'), { code: 'ECONNREFUSED' });
  logger.error('failed', { error, big: 10n });
  const circular: Record<string, unknown> = {};
  circular['self'] = circular;
  logger.info('loop', { circular });

  const [first, second] = entries();
  assert.deepEqual((first?.['error'] as Record<string, unknown>)['message'], 'boom');
  assert.deepEqual((first?.['error'] as Record<string, unknown>)['code'], 'ECONNREFUSED');
  assert.equal(first?.['big'], '10');
  assert.equal(second?.['msg'], 'loop');
  assert.equal(second?.['logError'], 'fields not serializable');
});
