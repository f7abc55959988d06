import type { Chart, Kustomize, ValuesFile } from './project.js'
import { asList, asObj, asText, isObj, parseYaml, type Obj, type YamlDoc, type YamlPath } from './yaml.js'

/** The app as a Kustomize tree and a Helm chart describe it. */

export interface KubeDoc {
  file: string
  doc: YamlDoc
  value: Obj
}

export const kubeDocs = (k: Kustomize): KubeDoc[] => k.resources.flatMap((f) => f.docs.filter((d) => isObj(d.value)).map((doc) => ({ file: f.path, doc, value: asObj(doc.value) })))

export const kindOf = (d: KubeDoc) => asText(d.value.kind)
export const nameOf = (d: KubeDoc) => asText(asObj(d.value.metadata).name)

export interface AppContainer {
  file: string
  doc: YamlDoc
  /** Path of the container in the document. */
  path: YamlPath
  container: Obj
  podLabels: Obj
}

/**
 * The app's container in the tree's Deployments: the one named `app`, or the first container of
 * the only Deployment. StatefulSets are the dev databases and caches, not the app.
 */
export function appContainers(k: Kustomize): AppContainer[] {
  const deployments = kubeDocs(k).filter((d) => kindOf(d) === 'Deployment')
  const out: AppContainer[] = []
  for (const d of deployments) {
    const pod = asObj(asObj(d.value.spec).template)
    const containers = asList(asObj(pod.spec).containers).map(asObj)
    let index = containers.findIndex((c) => c.name === 'app')
    if (index === -1 && deployments.length === 1 && containers.length > 0) index = 0
    if (index === -1) continue
    out.push({ file: d.file, doc: d.doc, path: ['spec', 'template', 'spec', 'containers', index], container: containers[index]!, podLabels: asObj(asObj(pod.metadata).labels) })
  }
  return out
}

export interface Literal {
  file: string
  line: number | undefined
  generator: string
  key: string
  value: string
}

/** `configMapGenerator` / `secretGenerator` literals across the tree's kustomizations. */
export function generatorLiterals(k: Kustomize, field: 'configMapGenerator' | 'secretGenerator'): Literal[] {
  const out: Literal[] = []
  for (const f of k.kustomizations) {
    const doc = f.docs[0]
    if (!doc) continue
    asList(asObj(doc.value)[field]).forEach((g, gi) => {
      const generator = asText(asObj(g).name) ?? ''
      asList(asObj(g).literals).forEach((lit, li) => {
        const text = asText(lit)
        const eq = text?.indexOf('=') ?? -1
        if (!text || eq <= 0) return
        out.push({ file: f.path, line: doc.line([field, gi, 'literals', li]), generator, key: text.slice(0, eq), value: text.slice(eq + 1) })
      })
    })
  }
  return out
}

export interface PatchOp {
  file: string
  line: number | undefined
  path: string
  value: unknown
}

export interface MergePatch {
  file: string
  line: number | undefined
  value: Obj
}

/** Inline patches of the kustomizations: JSON 6902 operations and strategic merge patches. */
export function inlinePatches(k: Kustomize): { ops: PatchOp[]; merges: MergePatch[] } {
  const ops: PatchOp[] = []
  const merges: MergePatch[] = []
  for (const f of k.kustomizations) {
    const doc = f.docs[0]
    if (!doc) continue
    asList(asObj(doc.value).patches).forEach((p, i) => {
      const text = asText(asObj(p).patch)
      if (!text) return
      const keyLine = doc.line(['patches', i, 'patch'])
      const parsed = parseYaml(text)
      for (const d of parsed ?? []) {
        // The block's own lines start one below the `patch:` key.
        const at = (path: YamlPath) => (keyLine === undefined ? undefined : keyLine + (d.line(path) ?? 1))
        if (Array.isArray(d.value)) {
          d.value.forEach((op, oi) => {
            const o = asObj(op)
            const path = asText(o.path)
            if (path && (o.op === 'replace' || o.op === 'add')) ops.push({ file: f.path, line: at([oi, 'value']), path, value: o.value })
          })
        } else if (isObj(d.value)) merges.push({ file: f.path, line: at([]), value: d.value })
      }
    })
  }
  return { ops, merges }
}

/** A container's env entries with literal values: `{name, value}`, and secretKeyRef / configMapKeyRef keys. */
export function containerEnv(container: Obj): { name: string; index: number; value?: string; secretKey?: { name: string; key: string }; configKey?: { name: string; key: string } }[] {
  return asList(container.env).flatMap((e, index) => {
    const o = asObj(e)
    const name = asText(o.name)
    if (!name) return []
    const from = asObj(o.valueFrom)
    const ref = (r: unknown) => {
      const x = asObj(r)
      const n = asText(x.name)
      const key = asText(x.key)
      return n !== undefined && key !== undefined ? { name: n, key } : undefined
    }
    const value = asText(o.value)
    const secretKey = ref(from.secretKeyRef)
    const configKey = ref(from.configMapKeyRef)
    return [{ name, index, ...(value !== undefined ? { value } : {}), ...(secretKey ? { secretKey } : {}), ...(configKey ? { configKey } : {}) }]
  })
}

/** Helm values as an environment sees them: values.yaml, with the environment's file merged over it. */
export function environments(chart: Chart): { file: ValuesFile; value: Obj }[] {
  const [base, ...envs] = chart.values
  if (!base || !/(^|\/)values\.ya?ml$/.test(base.path)) return chart.values.map((file) => ({ file, value: file.value }))
  return [{ file: base, value: base.value }, ...envs.map((file) => ({ file, value: merge(base.value, file.value) }))]
}

// Helm's own merge: maps merge key by key, anything else (lists too) is replaced.
function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(out[k]) ? merge(out[k] as Obj, v) : v
  return out
}

/** `$(NAME)` references, which the kubelet expands from variables defined before them. */
export const kubeRefs = (value: string): string[] => [...value.matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!)
