import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { generate } from '../src/generate.js'
import { execProbe, managedHost, toKubeletVars } from '../src/kubernetes-context.js'
import { DATABASE_CHOICES } from '../src/registry/services.js'
import { k8sMatrix, scenario } from './fixtures/scenarios.js'
import { K8S_SCHEMA_VERSIONS } from './helpers/k8s.js'

describe('Kubernetes context', () => {
  it("turns Compose's ${NAME} into the kubelet's $(NAME) and Compose healthchecks into exec probes", () => {
    expect(toKubeletVars('postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}')).toBe(
      'postgres://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@postgres:5432/$(POSTGRES_DB)',
    )
    expect(execProbe(['CMD-SHELL', 'pg_isready -U "$${POSTGRES_USER}"'])).toEqual(['sh', '-c', 'pg_isready -U "${POSTGRES_USER}"'])
    expect(execProbe(['CMD', 'mysqladmin', 'ping'])).toEqual(['mysqladmin', 'ping'])
    const pg = DATABASE_CHOICES.find((d) => d.id === 'postgres')!.service!
    expect(managedHost('orders-api', pg, 'prod')).toBe('orders-api-postgres.prod.example.internal')
  })

  it('derives everything from the answers and the service registry', () => {
    const { context } = generate(scenario('aks-dotnet-mariadb-valkey-helm'))
    const k = context.k8s!
    expect(k.uid).toBe(1654)
    expect(k.secretEnv).toEqual(['MARIADB_PASSWORD', 'CACHE_PASSWORD'])
    // The root password is the database's, not the app's: dev values only.
    expect(k.devSecrets.map((s) => s.name)).toEqual(['MARIADB_PASSWORD', 'MARIADB_ROOT_PASSWORD', 'CACHE_PASSWORD'])
    expect(k.config.map((s) => s.name)).toEqual(['LOG_LEVEL', 'MARIADB_USER', 'MARIADB_DATABASE'])
    expect(k.connections.map((u) => [u.name, u.envIndex])).toEqual([['DATABASE_URL', 2], ['CACHE_URL', 3]])
    // On AKS the cache is Azure Managed Redis, which listens on 10000 (the Terraform stack's cache_port).
    expect(k.connections[1]!.prod).toBe('redis://:$(CACHE_PASSWORD)@ledger-valkey.prod.example.internal:10000/0')
    expect(k.managedEgress.map((e) => e.port)).toEqual([3306, 10000])
    expect(k.inCluster.map((s) => [s.id, s.image, s.uid])).toEqual([['mariadb', 'mariadb:11.8', 999], ['valkey', 'valkey/valkey:9.0', 999]])
    expect(generate(scenario('node-defaults')).context.k8s).toBeNull()
  })

  it('Mongo gets its init variables from the app\'s settings, not duplicates of them', () => {
    const k = generate(scenario('gke-go-mongodb-helm')).context.k8s!
    expect(k.inCluster[0]).toMatchObject({
      configEnv: ['MONGO_USER', 'MONGO_DB'],
      secretEnv: ['MONGO_PASSWORD'],
      env: [
        { name: 'MONGO_INITDB_ROOT_USERNAME', value: '$(MONGO_USER)' },
        { name: 'MONGO_INITDB_ROOT_PASSWORD', value: '$(MONGO_PASSWORD)' },
        { name: 'MONGO_INITDB_DATABASE', value: '$(MONGO_DB)' },
      ],
    })
  })
})

describe('Helm values files', () => {
  // One project per database × cache pair, across the platforms (the values files differ by
  // those, and by names and numbers).
  const sample = k8sMatrix('helm').filter((a) => a.language === 'node' || a.language === 'go')

  it.each(sample.map((a) => [a.name, a] as const))('%s: every key carries a comment, and the files are YAML', (_n, a) => {
    const files = generate(a).files.filter((f) => /^deploy\/helm\/[^/]+\/values(-[a-z]+)?\.yaml$/.test(f.path))
    expect(files.map((f) => f.path.split('/').pop()).sort()).toEqual(['values-dev.yaml', 'values-prod.yaml', 'values-staging.yaml', 'values.yaml'])
    for (const f of files) {
      expect(() => parseYaml(f.content), f.path).not.toThrow()
      const lines = f.content.split('\n')
      lines.forEach((line, i) => {
        // A mapping key (also the first key of a list item); block scalars and flow values aside.
        if (!/^\s*(- )?[A-Za-z0-9_.\/-]+:( |$)/.test(line)) return
        const indent = /^\s*/.exec(line)![0]
        let j = i - 1
        // The comment may sit above the list item the key opens.
        while (j >= 0 && lines[j]!.trim() === '') j--
        const above = lines[j] ?? ''
        expect(above.trim().startsWith('#') || line.includes(' # '), `${f.path}:${i + 1} "${line.trim()}" has no comment (indent ${indent.length})`).toBe(true)
      })
    }
  })
})

describe('tool pins', () => {
  const install = readFileSync(new URL('../scripts/install-tools.sh', import.meta.url), 'utf8')
  const pin = (name: string) => new RegExp(`^${name}="([^"]+)"`, 'm').exec(install)?.[1]

  it('the batch runners use the same Helm and kustomize as the binaries, and the schemas the suites expect', () => {
    const helmMod = readFileSync(new URL('../tools/helm-batch/go.mod', import.meta.url), 'utf8')
    const kustomizeMod = readFileSync(new URL('../tools/kustomize-batch/go.mod', import.meta.url), 'utf8')
    // `require x v` or a line of a `require (...)` block, without `// indirect`.
    expect(helmMod).toMatch(new RegExp(`^(require)?\\s*helm\\.sh/helm/v4 ${pin('HELM_VERSION')}$`, 'm'))
    expect(kustomizeMod).toMatch(new RegExp(`^(require)?\\s*sigs\\.k8s\\.io/kustomize/kustomize/v5 ${pin('KUSTOMIZE_VERSION')}$`, 'm'))
    expect([pin('KUBERNETES_VERSION'), pin('KUBERNETES_MIN_VERSION')]).toEqual(K8S_SCHEMA_VERSIONS.map((v) => `v${v}`))
    // The oldest schemas checked are the oldest Kubernetes the charts accept.
    const chart = readFileSync(new URL('../templates/k8s/helm/Chart.yaml.hbs', import.meta.url), 'utf8')
    expect(chart).toContain(`kubeVersion: ">=${K8S_SCHEMA_VERSIONS[1].replace(/\.\d+$/, '')}.0-0"`)
  })
})
