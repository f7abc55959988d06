import { parseImageRef } from '../../../policy/images.js'
import type { Rule } from '../../types.js'
import { disagreementFinding, disagreements, type Claim } from './claims.js'
import { interpolate, isLiteral } from './interpolate.js'
import { appContainers, kubeDocs } from './kube.js'
import { readServices, type Service } from './project.js'
import { asList, asObj, asText } from './yaml.js'

const RULE = 'image-name-mismatch'

/** The repository of an image reference: without its tag or digest. */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0]!
  const colon = noDigest.lastIndexOf(':')
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest
}

/** Docker's reading of a repository (`your-org/app` is `docker.io/your-org/app`); the text itself when it is not one. */
const canonical = (repo: string) => {
  const ref = parseImageRef(repo)
  return ref ? `${ref.registry}/${ref.path}` : repo
}
const lastSegment = (repo: string) => canonical(repo).split('/').at(-1)!
/** A repository written out, not computed from variables. */
const literal = (text: string | undefined) => (text && !text.includes('$') && !text.includes('{{') ? text : undefined)

function composeClaims(s: Service): { claims: Claim<string>[]; envNames: Set<string> } {
  const claims: Claim<string>[] = []
  const envNames = new Set(['IMAGE_REPOSITORY'])
  for (const f of s.compose.files) {
    for (const a of s.compose.apps) {
      const image = asText(f.services[a]?.image)
      if (!image) continue
      const building = f.services[a]?.build !== undefined && f.doc.node(['services', a, 'build'])?.tag !== '!reset'
      const lead = /^\$\{(\w+)/.exec(image)
      if (lead) envNames.add(lead[1]!)
      const repo = repositoryOf(interpolate(image).text)
      // A build may be tagged with a local name (`app:dev`); only a registry repository is compared.
      if (!isLiteral(repo) || !repo || (building && !repo.includes('/'))) continue
      claims.push({ file: f.path, line: f.doc.line(['services', a, 'image']), what: `the image of service "${a}"`, value: repo, votes: true })
    }
  }
  return { claims, envNames }
}

function envExampleClaims(s: Service, names: ReadonlySet<string>): Claim<string>[] {
  const env = s.envExample
  if (!env) return []
  return env.vars.flatMap((v) => (names.has(v.name) && literal(v.value) ? [{ file: env.path, line: v.line, what: v.name, value: repositoryOf(v.value), votes: true }] : []))
}

function chartClaims(s: Service): Claim<string>[] {
  return s.charts.flatMap((c) =>
    c.values.flatMap((v) => {
      const image = asObj(v.value.image)
      const repo = literal(asText(image.repository))
      if (!repo) return []
      const registry = literal(asText(image.registry))
      return [{ file: v.path, line: v.doc.line(['image', 'repository']), what: 'image.repository', value: registry ? `${registry}/${repo}` : repo, votes: true }]
    }),
  )
}

function kustomizeClaims(s: Service): { claims: Claim<string>[]; names: Set<string> } {
  const k = s.kustomize
  const names = new Set<string>()
  if (!k) return { claims: [], names }
  const claims: Claim<string>[] = []
  const used = new Set(
    kubeDocs(k).flatMap((d) => {
      const spec = asObj(asObj(asObj(d.value.spec).template).spec)
      return [...asList(spec.containers), ...asList(spec.initContainers)].map((c) => asText(asObj(c).image)).filter((i): i is string => !!i).map((i) => canonical(repositoryOf(i)))
    }),
  )
  const apps = appContainers(k).map((a) => ({ a, repo: literal(asText(a.container.image)) })).filter((x) => x.repo)
  const appRepos = new Set(apps.map((x) => canonical(repositoryOf(x.repo!))))
  const renamed = new Set<string>()
  for (const f of k.kustomizations) {
    const doc = f.docs[0]
    if (!doc) continue
    asList(asObj(doc.value).images).forEach((entry, i) => {
      const e = asObj(entry)
      const name = literal(asText(e.name))
      if (!name) return
      names.add(canonical(name))
      const newName = literal(asText(e.newName))
      if (appRepos.has(canonical(name))) {
        if (newName) renamed.add(canonical(name))
        claims.push({ file: f.path, line: doc.line(['images', i, newName ? 'newName' : 'name']), what: newName ? 'the images newName' : 'the images name', value: newName ?? name, votes: true })
      } else if (!used.has(canonical(name))) {
        // An entry no container uses: the tag CI sets never reaches the app.
        claims.push({ file: f.path, line: doc.line(['images', i, 'name']), what: 'the images name (no container uses it)', value: name, votes: false, agrees: () => false })
      }
    })
  }
  for (const { a, repo } of apps) {
    if (renamed.has(canonical(repositoryOf(repo!)))) continue
    claims.push({ file: a.file, line: a.doc.line([...a.path, 'image']), what: 'the app container image', value: repositoryOf(repo!), votes: true })
  }
  return { claims, names }
}

function pipelineClaims(s: Service, kustomizeNames: ReadonlySet<string>): Claim<string>[] {
  const out: Claim<string>[] = []
  const inTree = (repo: string) => kustomizeNames.has(canonical(repo))
  for (const w of s.workflows) {
    const key = w.gitlab ? 'variables' : 'env'
    const at = (name: string) => w.doc.line([key, name])
    const name = literal(asText(w.env.IMAGE_NAME))
    // The repository's last path segment; the registry and owner are computed in the pipeline.
    if (name) out.push({ file: w.path, line: at('IMAGE_NAME'), what: 'IMAGE_NAME', value: name, votes: false, agrees: (repo) => lastSegment(repo) === name, statement: `IMAGE_NAME (the repository's last path segment) is ${name}`, fix: (repo) => `Set IMAGE_NAME to ${lastSegment(repo)}, or rename the image everywhere else to end in /${name}.` })
    const repo = literal(asText(w.env.IMAGE_REPOSITORY))
    if (repo) out.push({ file: w.path, line: at('IMAGE_REPOSITORY'), what: 'IMAGE_REPOSITORY', value: repositoryOf(repo), votes: true })
    // The name a deploy sets the released image for: the Kustomize images entry's name.
    const kimage = literal(asText(w.env.KUSTOMIZE_IMAGE))
    if (kimage) out.push({ file: w.path, line: at('KUSTOMIZE_IMAGE'), what: 'KUSTOMIZE_IMAGE', value: kimage, votes: true, agrees: (r) => canonical(r) === canonical(kimage) || inTree(kimage) })
    for (const str of w.doc.strings()) {
      for (const m of str.text.matchAll(/images:\s*\n\s*- name: *(\S+)\s*\n\s*newName:/g)) {
        const entry = literal(m[1])
        if (!entry) continue
        const line = str.line + str.text.slice(0, m.index).split('\n').length // the `- name:` line
        out.push({ file: w.path, line, what: 'the images name the deploy job sets', value: entry, votes: false, agrees: (r) => canonical(r) === canonical(entry) || inTree(entry) })
      }
    }
  }
  return out
}

export const imageNameMismatch: Rule = {
  id: RULE,
  severity: 'error',
  summary: 'The image repository is the same in compose.prod.yaml, .env.example, the Helm values or Kustomize images, and the CI workflows.',
  check({ files }) {
    return readServices(files).flatMap((s) => {
      const compose = composeClaims(s)
      const kustomize = kustomizeClaims(s)
      const claims = [...compose.claims, ...envExampleClaims(s, compose.envNames), ...chartClaims(s), ...kustomize.claims, ...pipelineClaims(s, kustomize.names)]
      return disagreements(claims, canonical).map((d) => disagreementFinding(RULE, d, (v) => v, `Release, run and deploy one image: use ${d.settled} here, or change every other place with it.`))
    })
  },
}
