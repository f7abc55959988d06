import { describe, expect, it } from 'vitest'
import { appComposeService, composeServices, folderComposeServices, testOnlyCompose } from '../../src/detect/compose.js'
import { Folder, memoryRepo } from '../../src/detect/repo.js'
import { parseYaml } from '../../src/detect/yaml-lite.js'

describe('the YAML reader', () => {
  it('block maps and lists, list items that are maps, flow lists, quotes, comments, anchors and block scalars', () => {
    const doc = parseYaml(
      [
        'x-common: &common',
        '  restart: unless-stopped',
        'services:',
        '  "laravel.test":',
        '    <<: *common',
        '    ports:',
        '      - target: 8080 # the app',
        "        published: '80'",
        '      - "127.0.0.1:5173:5173/tcp"',
        '    environment:',
        '      DATABASE_URL: postgresql://app:${DB_PASSWORD:?set it}@db:5432/app',
        '    command: ["npm", "start"]',
        '    healthcheck:',
        '      test: |',
        '        curl -f http://localhost/ # not a comment of ours',
        '      interval: 10s',
      ].join('\n'),
    )
    expect(doc).toEqual({
      'x-common': { restart: 'unless-stopped' },
      services: {
        'laravel.test': {
          ports: [{ target: '8080', published: '80' }, '127.0.0.1:5173:5173/tcp'],
          environment: { DATABASE_URL: 'postgresql://app:${DB_PASSWORD:?set it}@db:5432/app' },
          command: ['npm', 'start'],
          healthcheck: { test: '', interval: '10s' },
        },
      },
    })
  })

  it('a list at the same indent as its key', () => {
    expect(parseYaml('depends_on:\n- db\n- cache\nimage: x\n')).toEqual({ depends_on: ['db', 'cache'], image: 'x' })
  })
})

describe('Compose services', () => {
  it('build contexts and Dockerfiles as repository paths, the container side of each mapping, env lists and maps', () => {
    const [web, api] = composeServices(
      'deploy/compose.yaml',
      "services:\n  web:\n    build: ../web\n    ports:\n      - '${APP_PORT:-80}:8080'\n    environment:\n      - PORT=8080\n  api:\n    build:\n      context: ..\n      dockerfile: src/Api/Dockerfile\n    depends_on:\n      db:\n        condition: service_healthy\n    expose:\n      - '5000'\n",
    )
    expect(web).toMatchObject({ build: { context: 'web' }, ports: [{ target: 8080, published: '${APP_PORT:-80}', file: 'deploy/compose.yaml' }], environment: { PORT: '8080' } })
    expect(api).toMatchObject({ build: { context: '.', dockerfile: 'src/Api/Dockerfile' }, dependsOn: ['db'], expose: [5000] })
  })

  it('the override file adds to the base file, and test files are left out', () => {
    const f = new Folder(
      memoryRepo({
        'docker-compose.yml': 'services:\n  app:\n    build: .\n',
        'docker-compose.override.yml': "services:\n  app:\n    ports:\n      - '3000:3000'\n",
        'docker-compose.test.yml': "services:\n  app:\n    ports:\n      - '9999:9999'\n",
      }),
      '.',
    )
    const [app] = folderComposeServices(f)
    expect(app).toMatchObject({ name: 'app', build: { context: '.' }, ports: [{ target: 3000, file: 'docker-compose.override.yml' }] })
  })

  it('test-only Compose files by name and folder', () => {
    for (const p of ['compose.test.yml', 'docker-compose.ci.yaml', 'docker-compose-test.yml', 'compose.e2e.yaml', 'test/compose.yaml', 'tests/docker-compose.yml', '.github/compose.yaml']) expect(testOnlyCompose(p), p).toBeDefined()
    for (const p of ['compose.yaml', 'docker-compose.override.yml', 'compose.prod.yaml', 'compose.dev.yml', 'docker-compose.latest.yml']) expect(testOnlyCompose(p), p).toBeUndefined()
  })

  it("the app's service: the one built from its folder or from a Dockerfile in it; a test runner never", () => {
    const services = composeServices(
      'compose.yaml',
      'services:\n  playwright:\n    build:\n      context: .\n      dockerfile: frontend/Dockerfile.playwright\n  frontend:\n    build:\n      context: .\n      dockerfile: frontend/Dockerfile\n  backend:\n    build: ./backend\n',
    )
    const files = ['frontend/package.json', 'backend/go.mod', 'go.mod']
    expect(appComposeService(services, 'frontend', '.', files)?.name).toBe('frontend')
    expect(appComposeService(services, 'backend', '.', files)?.name).toBe('backend')
    // The root app is not the frontend's service, though that one builds from the root too.
    expect(appComposeService(services, '.', '.', files)).toBeUndefined()
    // A root app whose Dockerfile sits in docker/ (no manifest there) is built from the root.
    const own = composeServices('compose.yaml', 'services:\n  app:\n    build:\n      context: .\n      dockerfile: docker/app/Dockerfile\n')
    expect(appComposeService(own, '.', '.', ['go.mod', 'docker/app/Dockerfile'])?.name).toBe('app')
  })
})
