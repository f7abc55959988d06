import { describe, expect, it } from 'vitest'
import { validateAnswers } from '../src/answers.js'
import { equivalentCommand } from '../src/cli/report.js'
import { describeHealth, multiNextSteps, nextSteps } from '../src/cli/next-steps.js'
import { buildContext } from '../src/context.js'
import type { AppFacts } from '../src/detect/types.js'
import type { FileReport } from '../src/write.js'

const tool = { name: 'create-containerized-app', version: '0.0.0' }
const answers = validateAnswers({ name: 'notes', language: 'python', framework: 'flask', packageManager: 'pip', port: 5000 })
const retrofit = (app: AppFacts) => buildContext(answers, tool, { dir: '.', app })

describe('next steps for an existing app', () => {
  it("name the app's own health route", () => {
    const next = nextSteps('.', answers, retrofit({ health: { liveness: '/health', readiness: '/health' } }))
    expect(next).toMatch(/The healthchecks and probes ask GET \/health on port 5000, your app's own health route;/)
    expect(next).toMatch(/^curl http:\/\/localhost:5000\/health$/m)
    expect(next).not.toMatch(/healthz|readyz/)
  })

  it('say when the check is TCP, and how to get routes', () => {
    const next = nextSteps('.', answers, retrofit({ health: { liveness: null, readiness: null } }))
    expect(next).toMatch(/use a TCP check on port 5000: your app has no health route for them\. For better probes add GET \/healthz .* and GET \/readyz/)
    expect(next).not.toMatch(/^curl/m)
    expect(next).toMatch(/docker compose ps .*port 5000 accepts connections/)
  })

  it('keep the convention when detection found nothing, and describe mixed checks', () => {
    expect(nextSteps('.', answers, retrofit({}))).toMatch(/Your app must answer GET \/healthz and \/readyz on port 5000/)
    expect(describeHealth({ liveness: '/live', readiness: null }, 8080)).toBe('GET /live (liveness) and a TCP check on port 8080 (readiness)')
    expect(describeHealth({ liveness: '/live', readiness: '/ready' }, 8080)).toBe('GET /live (liveness) and GET /ready (readiness) on port 8080')
  })

  it('list the variables the app requires at boot and the services it uses that are not set up', () => {
    const ctx = retrofit({
      health: { liveness: '/health', readiness: '/health' },
      requiredEnv: [
        { name: 'JWT_SECRET', devValue: 'dev-only', secret: true, evidence: { file: 'config.py', reason: 'read without a default' } },
        { name: 'API_BASE', devValue: 'http://localhost', secret: false, evidence: { file: 'config.py', reason: 'pydantic field' } },
      ],
      unprovided: [{ service: 'RabbitMQ', evidence: { file: 'requirements.txt', reason: 'pika' }, hint: 'a RabbitMQ service in compose.yaml and AMQP_URL' }],
    })
    const next = nextSteps('.', answers, ctx)
    expect(next).toMatch(/Your app requires JWT_SECRET \(secret\) and API_BASE at boot: copy \.env\.example to \.env and set them/)
    expect(next).toMatch(/Not set up by this tool, add it yourself: RabbitMQ \(requirements\.txt\): a RabbitMQ service in compose\.yaml and AMQP_URL\./)
    const multi = multiNextSteps([{ target: '/repo/api', context: ctx }], '/repo', '/repo')
    expect(multi).toMatch(/^notes: api\/README\.containers\.md; its healthchecks and probes use GET \/health on port 5000$/m)
    expect(multi).toMatch(/^notes: Your app requires JWT_SECRET/m)
  })

  it('a new service keeps its next steps', () => {
    const node = validateAnswers({ name: 'orders' })
    const next = nextSteps('orders', node, buildContext(node, tool))
    expect(next).toBe(`cd orders\ndocker compose up --build --watch\ncurl http://localhost:${node.port}/readyz\nSee README.containers.md for test and production runs.`)
  })
})

describe('the equivalent command', () => {
  const report = (path: string, action: FileReport['action'], status: FileReport['status'] = 'conflict'): FileReport => ({ path, status, action })
  it('carries the conflict choice the wizard made, when it was one for all', () => {
    expect(equivalentCommand('.', answers, [report('Dockerfile', 'alongside'), report('README.containers.md', 'alongside'), report('compose.yaml', 'created', 'create')])).toMatch(/ --yes --on-conflict alongside$/)
    expect(equivalentCommand('.', answers, [report('compose.yaml', 'created', 'create')])).toMatch(/ --yes$/)
    expect(equivalentCommand('.', answers, [report('Dockerfile', 'kept'), report('x', 'overwritten')])).toMatch(/--yes {3}\(your files were settled one by one: add --on-conflict keep, alongside or overwrite\)$/)
  })
})
