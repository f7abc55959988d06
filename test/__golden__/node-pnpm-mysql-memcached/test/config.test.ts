import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, type ConfigSpec } from '../src/config.js';

const noDependencies: ConfigSpec = { defaultPort: 3000, dependencies: [] };
const withDatabase: ConfigSpec = {
  defaultPort: 3000,
  dependencies: [{ name: 'postgres', env: 'DATABASE_URL', schemes: ['postgres:', 'postgresql:'], probe: async () => {} }],
};

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

test('defaults', () => {
  const config = loadConfig({}, noDependencies);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.port, 3000);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.shutdownTimeoutMs, 10_000);
  assert.deepEqual(config.dependencies, []);
});

test('reads every setting from the environment', () => {
  const config = loadConfig(
    {
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'DEBUG',
      SHUTDOWN_TIMEOUT_MS: '500',
      DATABASE_URL: 'postgresql://app:secret@db:5432/app',
    },
    withDatabase,
  );
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 0);
  assert.equal(config.logLevel, 'debug');
  assert.equal(config.shutdownTimeoutMs, 500);
  assert.equal(config.dependencies[0]?.url, 'postgresql://app:secret@db:5432/app');
});

test('empty values count as unset', () => {
  assert.equal(loadConfig({ PORT: '', LOG_LEVEL: ' ' }, noDependencies).port, 3000);
});

test('rejects malformed numbers and levels, listing every problem', () => {
  const problems = problemsOf(() =>
    loadConfig({ PORT: '80a', SHUTDOWN_TIMEOUT_MS: '1e3', LOG_LEVEL: 'verbose' }, noDependencies),
  );
  assert.equal(problems.length, 3);
  assert.match(problems.join('\n'), /PORT must be an integer between 0 and 65535, got "80a"/);
  assert.match(problems.join('\n'), /SHUTDOWN_TIMEOUT_MS/);
  assert.match(problems.join('\n'), /LOG_LEVEL must be one of debug, info, warn, error/);
});

test('rejects out-of-range ports', () => {
  assert.match(problemsOf(() => loadConfig({ PORT: '65536' }, noDependencies)).join(), /PORT/);
});

test('requires the URL of each dependency', () => {
  assert.match(problemsOf(() => loadConfig({}, withDatabase)).join(), /DATABASE_URL is required/);
});

test('rejects a dependency URL with the wrong scheme, without echoing it', () => {
  const problems = problemsOf(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/app' }, withDatabase));
  assert.match(problems.join(), /DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//);
  assert.doesNotMatch(problems.join(), /hunter2/);
});
