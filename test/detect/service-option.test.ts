import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { prepareRetrofit } from '../../src/cli/retrofit.js'
import { formatService } from '../../src/detect/report.js'
import { json, run, service } from './helpers.js'

function materialize(files: Record<string, string>): string {
  const root = join(mkdtempSync(join(tmpdir(), 'cca-a1-')), 'repo')
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

const images = {
  'README.md': '# images\n',
  'samples/aspnetapp/aspnetapp.sln': 'Microsoft Visual Studio Solution File\n',
  'samples/aspnetapp/aspnetapp/aspnetapp.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
  'samples/aspnetapp/aspnetapp/Program.cs': 'var app = WebApplication.Create(args);\napp.Run();\n',
  'samples/dotnetapp/dotnetapp.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
  'src/Tool/Tool.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
}

describe('--service accepts any folder holding an app', () => {
  it('a folder discovery classes as a sample', async () => {
    const root = materialize(images)
    const runs = await prepareRetrofit(root, { services: ['samples/aspnetapp/'] })
    expect(runs?.map((r) => r.service?.dir)).toEqual(['samples/aspnetapp'])
    expect(runs?.[0]?.retrofit.app).toMatchObject({ appProject: 'aspnetapp/aspnetapp.csproj' })
  })

  it('an unknown folder is still an error that lists the services found, and says why a known non-service is not one', async () => {
    const root = materialize(images)
    await expect(prepareRetrofit(root, { services: ['apps/nope'] })).rejects.toThrow(/--service "apps\/nope" is not a service here\. Services found: src\/Tool\./)
    await expect(prepareRetrofit(root, { services: ['samples/dotnetapp'] })).rejects.toThrow(/--service "samples\/dotnetapp" is not a service here \(no project on the Web SDK.*\)\. Services found: src\/Tool\./)
  })
})

describe('the evidence report', () => {
  it('shows the build context, the web UI, services not set up and those mentioned but not chosen', () => {
    const d = run({
      'package.json': json({ name: 'mono', private: true, workspaces: ['apps/*'] }),
      'package-lock.json': '{}',
      'apps/api/package.json': json({ name: '@mono/api', scripts: { start: 'node index.js' }, dependencies: { express: '5.0.0', amqplib: '0.10.0' }, devDependencies: { ioredis: '5.0.0' } }),
      'apps/api/index.js': "app.use(express.static('client/dist'))\napp.listen(3000)\n",
      'apps/api/client/package.json': json({ name: 'client', scripts: { build: 'vite build' }, dependencies: { vue: '3.5.0' }, devDependencies: { vite: '7.0.0' } }),
    })
    const s = service(d, 'apps/api')
    s.health = { value: { liveness: '/health', readiness: '/health' }, confidence: 'high', evidence: [{ file: 'apps/api/index.js', reason: "app.get('/health')" }] }
    const text = formatService(s)
    expect(text).toMatch(/^ {4}health +\/health +sure +apps\/api\/index\.js: app\.get\('\/health'\)$/m)
    expect(text).toMatch(/^ {4}build context +\.\.\/\.\. +the image builds from the workspace root; this service is apps\/api there, package @mono\/api$/m)
    expect(text).toMatch(/^ {4}web UI +client +npm run build → client\/dist, built in a stage of this image$/m)
    expect(text).toMatch(/^ {4}✗ not set up: RabbitMQ \(apps\/api\/package\.json: depends on amqplib\); add a RabbitMQ service/m)
    expect(text).not.toMatch(/! unprovided-service/)
    expect(text).toMatch(/^ {4}~ redis \(depends on ioredis\): mentioned in apps\/api\/package\.json, not chosen: a development or test dependency$/m)
  })
})
