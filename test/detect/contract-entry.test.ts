import { describe, expect, it } from 'vitest'
import { codes, evidenceOf, json, service } from './contract-helpers.js'

const listen = "const express = require('express')\nconst app = express()\napp.listen(process.env.PORT || 3000)\n"
const pkg = (scripts: Record<string, string>, extra: Record<string, unknown> = {}) =>
  json({ name: 'api', scripts, dependencies: { express: '^5.0.0', ...(extra.deps as object) }, ...(extra.main ? { main: extra.main } : {}), ...(extra.devDependencies ? { devDependencies: extra.devDependencies } : {}) })
const entry = (files: Record<string, string>) => service({ 'package-lock.json': '{}', ...files })

describe('Node entry point: the command the app really has', () => {
  it('the issue: no build step, main src/index.js, start names dist/server.js → src/index.js, never dist/', () => {
    const s = entry({ 'package.json': pkg({ start: 'node dist/server.js', dev: 'nodemon src/index.js' }, { main: 'src/index.js' }), 'src/index.js': listen })
    expect(s.app.nodeEntry).toEqual(['node', 'src/index.js'])
    expect(s.app.hasBuildScript).toBe(false)
    expect(evidenceOf(s, 'nodeEntry')).toEqual([
      'package.json: "main": "src/index.js" runs src/index.js',
      'package.json: "start": "node dist/server.js" runs dist/server.js, which is not in the repository and no build step writes it',
    ])
    expect(evidenceOf(s, 'hasBuildScript')).toEqual(['package.json: no "build" script: the image ships the source as it is'])
  })

  it('env assignments before node: NODE_ENV=production node src/index.js', () => {
    const s = entry({ 'package.json': pkg({ start: 'NODE_ENV=production PORT=4000 node src/index.js' }), 'src/index.js': listen })
    expect(s.app.nodeEntry).toEqual(['node', 'src/index.js'])
  })

  it('cross-env X=Y node ...', () => {
    const s = entry({ 'package.json': pkg({ start: 'cross-env NODE_ENV=production node --enable-source-maps server.js' }), 'server.js': listen })
    expect(s.app.nodeEntry).toEqual(['node', '--enable-source-maps', 'server.js'])
    expect(evidenceOf(s, 'nodeEntry')[0]).toBe('package.json: "start": "cross-env NODE_ENV=production node --enable-source-maps server.js" runs server.js')
  })

  it('node -r dotenv/config keeps the preload when dotenv is a production dependency, drops it when it is not', () => {
    const kept = entry({ 'package.json': pkg({ start: 'node -r dotenv/config src/index.js' }, { deps: { dotenv: '^16' } }), 'src/index.js': listen })
    expect(kept.app.nodeEntry).toEqual(['node', '-r', 'dotenv/config', 'src/index.js'])
    const dropped = entry({ 'package.json': pkg({ start: 'node -r dotenv/config src/index.js' }, { devDependencies: { dotenv: '^16' } }), 'src/index.js': listen })
    expect(dropped.app.nodeEntry).toEqual(['node', 'src/index.js'])
  })

  it('node --env-file=.env: the flag is dropped (the image has no .env)', () => {
    expect(entry({ 'package.json': pkg({ start: 'node --env-file=.env x.js' }), 'x.js': listen }).app.nodeEntry).toEqual(['node', 'x.js'])
    expect(entry({ 'package.json': pkg({ start: 'node --env-file .env --watch x.js' }), 'x.js': listen }).app.nodeEntry).toEqual(['node', 'x.js'])
  })

  it('node ./bin/www (express-generator)', () => {
    const s = entry({ 'package.json': pkg({ start: 'node ./bin/www' }), 'bin/www': "#!/usr/bin/env node\nvar app = require('../app');\nserver.listen(port)\n", 'app.js': 'module.exports = app\n' })
    expect(s.app.nodeEntry).toEqual(['node', 'bin/www'])
  })

  it('nodemon on a JavaScript file → node on the same file', () => {
    expect(entry({ 'package.json': pkg({ start: 'nodemon src/server.js' }), 'src/server.js': listen }).app.nodeEntry).toEqual(['node', 'src/server.js'])
  })

  it('ts-node / tsx with a tsc build → the compiled output (tsconfig outDir, rootDir from include)', () => {
    const s = entry({
      'package.json': pkg({ build: 'tsc -p tsconfig.build.json', start: 'ts-node src/server.ts' }),
      'tsconfig.json': '{\n  // shared\n  "compilerOptions": { "outDir": "./dist", "strict": true, },\n  "include": ["src"]\n}\n',
      'tsconfig.build.json': '{ "extends": "./tsconfig.json", "exclude": ["test"] }\n',
      'src/server.ts': listen,
    })
    expect(s.app.nodeEntry).toEqual(['node', 'dist/server.js'])
    expect(s.app.hasBuildScript).toBe(true)
    expect(evidenceOf(s, 'nodeEntry')[0]).toMatch(/ts-node, a development runner\) runs src\/server\.ts; the build \("tsc -p tsconfig\.build\.json"\) compiles it to dist\/server\.js$/)
  })

  it('tsx watch with a tsup build → dist/<name>.js', () => {
    const s = entry({ 'package.json': pkg({ build: 'tsup src/main.ts --format esm', start: 'tsx watch src/main.ts' }), 'src/main.ts': listen })
    expect(s.app.nodeEntry).toEqual(['node', 'dist/main.js'])
  })

  it('TypeScript run by ts-node with no build step and no runnable main: no entry, and a warning', () => {
    const s = entry({ 'package.json': pkg({ start: 'ts-node src/index.ts' }), 'src/index.ts': listen })
    expect(s.app.nodeEntry).toBeUndefined()
    expect(s.warnings.find((w) => w.code === 'no-entry-point')?.message).toMatch(/TypeScript file src\/index\.ts and there is no build step/)
  })

  it('tsx as a production dependency runs the TypeScript entry through its loader', () => {
    const s = entry({ 'package.json': pkg({ start: 'tsx src/index.ts' }, { deps: { tsx: '^4' } }), 'src/index.ts': listen })
    expect(s.app.nodeEntry).toEqual(['node', '--import', 'tsx', 'src/index.ts'])
  })

  it('pm2-runtime start ecosystem.config.js → the script of its app', () => {
    const s = entry({
      'package.json': pkg({ start: 'pm2-runtime start ecosystem.config.js --env production' }),
      'ecosystem.config.js': "module.exports = { apps: [{ name: 'api', script: './src/index.js', instances: 'max' }] }\n",
      'src/index.js': listen,
    })
    expect(s.app.nodeEntry).toEqual(['node', 'src/index.js'])
    expect(evidenceOf(s, 'nodeEntry')[0]).toMatch(/pm2 with ecosystem\.config\.js, whose app runs \.\/src\/index\.js\) runs src\/index\.js/)
  })

  it('pm2 start ecosystem.config.json --no-daemon (a boilerplate shape)', () => {
    const s = entry({
      'package.json': pkg({ start: 'pm2 start ecosystem.config.json --no-daemon', dev: 'cross-env NODE_ENV=development nodemon src/index.js' }),
      'ecosystem.config.json': json({ apps: [{ name: 'app', script: 'src/index.js', instances: 1 }] }),
      'src/index.js': listen,
    })
    expect(s.app.nodeEntry).toEqual(['node', 'src/index.js'])
  })

  it('npm run build && node dist/index.js: the last step is the server; a build writes dist/', () => {
    const s = entry({ 'package.json': pkg({ build: 'tsc', start: 'npm run build && node dist/index.js' }), 'tsconfig.json': '{"compilerOptions":{"outDir":"dist"}}', 'src/index.ts': listen })
    expect(s.app.nodeEntry).toEqual(['node', 'dist/index.js'])
    expect(evidenceOf(s, 'nodeEntry')[0]).toMatch(/runs dist\/index\.js, written by the build \("tsc"\)$/)
  })

  it('start delegates to another script (npm run serve)', () => {
    expect(entry({ 'package.json': pkg({ start: 'npm run serve', serve: 'node app.js' }), 'app.js': listen }).app.nodeEntry).toEqual(['node', 'app.js'])
  })

  it('Procfile web: when there is no start script', () => {
    const s = entry({ 'package.json': pkg({}), Procfile: 'web: node web/server.js\n', 'web/server.js': listen })
    expect(s.app.nodeEntry).toEqual(['node', 'web/server.js'])
    expect(evidenceOf(s, 'nodeEntry')).toEqual(['Procfile: Procfile "web: node web/server.js" runs web/server.js'])
  })

  it('no start script, Procfile or main: a conventional file that starts the server', () => {
    const s = entry({ 'package.json': pkg({}), 'server.js': listen })
    expect(s.app.nodeEntry).toEqual(['node', 'server.js'])
    expect(codes(s)).not.toContain('no-entry-point')
  })
})

describe('Bun: an app that runs on Bun’s runtime runs `bun <file>` in the image', () => {
  const hono = "import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/health', (c) => c.json({ ok: true }))\nexport default app\n"

  it('bun create hono: no start script, the dev script runs src/index.ts with --hot, `export default app`', () => {
    const s = service({
      'package.json': json({ name: 'link-preview', module: 'src/index.ts', type: 'module', scripts: { dev: 'bun run --hot src/index.ts', test: 'bun test' }, dependencies: { hono: '^4.9.0' }, devDependencies: { '@types/bun': 'latest' } }),
      'bun.lockb': 'binary',
      'src/index.ts': hono,
    })
    expect(s.app.runtime).toBe('bun')
    expect(evidenceOf(s, 'runtime')).toEqual(['package.json: "dev": "bun run --hot src/index.ts" runs src/index.ts with Bun, and there is no start script'])
    expect(s.app.nodeEntry).toEqual(['bun', 'src/index.ts'])
    expect(evidenceOf(s, 'nodeEntry')).toEqual(['package.json: "dev": "bun run --hot src/index.ts" (without its watcher) runs src/index.ts with Bun'])
    expect(s.app.hasBuildScript).toBe(false)
    expect(codes(s)).not.toContain('no-entry-point')
    // Bun serves the default export on PORT, else 3000: a known default, not a guess to ask about.
    expect(s.port).toMatchObject({ value: 3000, confidence: 'medium' })
  })

  it('the start script runs bun on a TypeScript file: no build step needed', () => {
    const s = service({ 'package.json': json({ name: 'api', scripts: { start: 'NODE_ENV=production bun run src/server.ts' }, dependencies: { hono: '^4' } }), 'bun.lock': '{}', 'src/server.ts': hono })
    expect(s.app).toMatchObject({ runtime: 'bun', nodeEntry: ['bun', 'src/server.ts'] })
    expect(evidenceOf(s, 'runtime')).toEqual(['package.json: "start": "NODE_ENV=production bun run src/server.ts" runs src/server.ts with Bun'])
  })

  it('Bun.serve in the code, `module` names the file; `export default { port, fetch }` gives the port', () => {
    const served = service({ 'package.json': json({ name: 'api', module: 'index.ts', scripts: { start: 'bun index.ts' }, dependencies: { hono: '^4' } }), 'bun.lock': '{}', 'index.ts': "const app = new Hono()\nBun.serve({ port: 4000, fetch: app.fetch })\n" })
    expect(served.app).toMatchObject({ runtime: 'bun', nodeEntry: ['bun', 'index.ts'] })
    expect(evidenceOf(served, 'runtime')).toEqual(["index.ts: uses Bun's own API, which Node lacks: `Bun.serve` (line 2)"])
    expect(served.port?.value).toBe(4000)
    const exported = service({ 'package.json': json({ name: 'api', module: 'src/index.ts', dependencies: { hono: '^4' }, devDependencies: { 'bun-types': '^1' } }), 'src/index.ts': "const app = new Hono()\nexport default {\n  port: 8787,\n  fetch: app.fetch,\n}\n", 'bun.lock': '{}' })
    expect(exported.app).toMatchObject({ runtime: 'bun', nodeEntry: ['bun', 'src/index.ts'] })
    expect(evidenceOf(exported, 'nodeEntry')).toEqual(['package.json: "module": "src/index.ts" is the file Bun runs'])
    expect(exported.port?.value).toBe(8787)
  })

  it('Elysia without a Node adapter runs on Bun', () => {
    const s = service({ 'package.json': json({ name: 'api', dependencies: { elysia: '^1.3' } }), 'bun.lock': '{}', 'src/index.ts': "import { Elysia } from 'elysia'\nnew Elysia().get('/health', () => 'ok').listen(3000)\n" })
    expect(s.frameworkName).toBe('Elysia')
    expect(s.app).toMatchObject({ runtime: 'bun', nodeEntry: ['bun', 'src/index.ts'] })
    expect(evidenceOf(s, 'runtime')).toEqual(['package.json: depends on Elysia, a Bun server, without @elysiajs/node'])
  })

  it('Bun as the package manager only: a Node start script, or a Node adapter, keeps Node', () => {
    const installer = service({ 'package.json': json({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '^5' } }), 'bun.lockb': 'binary', 'server.js': "require('express')().listen(3000)\n" })
    expect(installer.app.runtime).toBeUndefined()
    expect(installer.app.nodeEntry).toEqual(['node', 'server.js'])
    const adapter = service({
      'package.json': json({ name: 'api', scripts: { build: 'tsc', start: 'node dist/index.js' }, dependencies: { hono: '^4', '@hono/node-server': '^1' }, devDependencies: { '@types/bun': 'latest' } }),
      'bun.lock': '{}',
      'tsconfig.json': json({ compilerOptions: { outDir: 'dist', rootDir: 'src' } }),
      'src/index.ts': "import { serve } from '@hono/node-server'\nconst app = new Hono()\nserve({ fetch: app.fetch, port: 3000 })\n",
    })
    expect(adapter.app.runtime).toBeUndefined()
    expect(adapter.app.nodeEntry).toEqual(['node', 'dist/index.js'])
  })

  it('code that only checks for Bun (typeof Bun) does not make the app Bun’s', () => {
    const s = service({ 'package.json': json({ name: 'api', scripts: { start: 'node src/index.js' }, dependencies: { express: '^5' } }), 'package-lock.json': '{}', 'src/index.js': "const env = typeof Bun !== 'undefined' ? Bun.env : process.env\nrequire('express')().listen(3000)\n" })
    expect(s.app.runtime).toBeUndefined()
  })
})
