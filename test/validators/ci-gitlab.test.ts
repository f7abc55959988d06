import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { validateAnswers } from '../../src/answers.js'
import { generate } from '../../src/generate.js'
import { IMAGE_DIGESTS } from '../../src/registry/image-digests.js'
import { ciMatrix, matrix } from '../fixtures/scenarios.js'
import { checkGitlabCi } from './ci-gitlab-check.js'

// The GitLab check (ci-gitlab-check.ts) over every generated .gitlab-ci.yml: each toolchain,
// platform, registry and Kubernetes format of ciMatrix, and every language × framework × package
// manager on GitLab. Job images are pinned by digest wherever docker-library/repo-info records
// one; the images with no trustworthy record keep their tag, and only those.

/** The images src/registry/image-digests.ts documents as having no digest on record. */
const NO_RECORD = [/^python:/, /^rust:/, /^mcr\.microsoft\.com\/dotnet\/sdk:/, /^hashicorp\/terraform:/, /^alpine\/k8s:/]
const unpinned = (ref: string) => !IMAGE_DIGESTS[ref] && NO_RECORD.some((r) => r.test(ref))

const pipelines: [string, string][] = [
  ...ciMatrix()
    .filter((a) => a.ci === 'gitlab')
    .map((a): [string, string] => [a.name, generate(a).files.find((f) => f.path === '.gitlab-ci.yml')!.content]),
  ...matrix()
    .filter((a) => a.database === 'postgres' && a.cache === 'redis')
    .map((a) => validateAnswers({ ...a, ci: 'gitlab', registry: 'gitlab' }))
    .map((a): [string, string] => [`${a.language}/${a.framework}/${a.packageManager}`, generate(a).files.find((f) => f.path === '.gitlab-ci.yml')!.content]),
]

describe('GitLab check: job images by digest, no secret on a command line', () => {
  it('finds nothing in any generated pipeline', () => {
    const findings = pipelines.flatMap(([name, text]) => checkGitlabCi(text, unpinned).map((f) => `${name} ${f.where}: [${f.rule}] ${f.detail}`))
    expect(findings).toEqual([])
  })

  it('pins every image whose digest is on record, with the digest on record', () => {
    const used = new Map<string, Set<string>>()
    for (const [, text] of pipelines) {
      for (const m of text.matchAll(/^\s*(?:image|name|- name):\s*(\S+@sha256:[0-9a-f]{64})\s*$/gm)) {
        const [ref, digest] = m[1]!.split('@') as [string, string]
        used.set(ref, (used.get(ref) ?? new Set()).add(digest))
      }
    }
    for (const [ref, { digest }] of Object.entries(IMAGE_DIGESTS)) expect([...(used.get(ref) ?? [])], ref).toEqual([digest])
    for (const ref of used.keys()) expect(IMAGE_DIGESTS[ref], ref).toBeDefined()
  })

  it('the build job hands cosign the registry login and the ID token on stdin', () => {
    for (const [name, text] of pipelines) {
      const script = ((parseYaml(text) as Record<string, { script: string[] }>)['build-image']!.script ?? []).join('\n')
      const sign = script.split('\n').find((l) => l.includes('cosign sign'))!
      expect(sign, name).toMatch(/^printf '%s\\n' "\$SIGSTORE_ID_TOKEN" \| cat - ~\/\.docker\/config\.json \| docker run --rm -i /)
      expect(sign, name).not.toMatch(/ -e /)
    }
  })

  it('fires on tag-only and variable images, credentials in docker run, and passwords on docker login (negative control)', () => {
    const bad = `
variables:
  DOCKER_VERSION: "29.7.2"
.docker:
  image: docker:$DOCKER_VERSION-cli
  services:
    - name: docker:29.7.2-dind
      alias: docker
lint:
  image: node:24.21.0-trixie-slim
  script:
    - echo ok
build-image:
  extends: .docker
  id_tokens:
    SIGSTORE_ID_TOKEN:
      aud: sigstore
    CLOUD_ID_TOKEN:
      aud: https://example.test
  script:
    - docker login --username u --password "$CI_REGISTRY_PASSWORD" registry.example
    - docker run --rm -e CLOUD_ID_TOKEN amazon/aws-cli:2 sts get-caller-identity
    - docker run --rm -e SIGSTORE_ID_TOKEN -e DOCKER_AUTH="$(cat ~/.docker/config.json)"
      --entrypoint sh "ghcr.io/sigstore/cosign/cosign:v3.0.6-dev" -c
      'mkdir -p /tmp/d && printf %s "$DOCKER_AUTH" > /tmp/d/config.json && cosign sign --yes "$0"'
      "$IMAGE_REPOSITORY@$DIGEST"
    - docker run --rm -v ~/.docker/config.json:/root/.docker/config.json:ro alpine true
    - docker run --rm --env-file .env alpine true
    - docker run --rm alpine echo "$CI_JOB_TOKEN"
`
    const found = checkGitlabCi(bad, unpinned).map((f) => `${f.where} ${f.rule} ${f.detail.split(':')[0]}`)
    expect(found).toEqual([
      '.docker image-digest docker',
      '.docker image-digest docker',
      'lint image-digest node',
      'build-image secret-on-command-line docker login with a password argument',
      'build-image secret-on-command-line docker run -e CLOUD_ID_TOKEN',
      'build-image secret-on-command-line docker run -e SIGSTORE_ID_TOKEN',
      'build-image secret-on-command-line docker run -e DOCKER_AUTH',
      'build-image secret-on-command-line docker run mounts the registry login',
      'build-image secret-on-command-line docker run --env-file',
      'build-image secret-on-command-line docker run argument "$CI_JOB_TOKEN"',
    ])
  })
})
