#!/usr/bin/env node
// Derives the JSON schemas kubeconform validates against, offline, from the sources the Go
// module proxy serves: the Kubernetes OpenAPI v2 document (k8s.io/kubernetes
// api/openapi-spec/swagger.json) and CustomResourceDefinition manifests (Gateway API, Prometheus
// Operator, External Secrets). Run by scripts/install-tools.sh.
//
//   node scripts/k8s-schemas.mjs --out DIR --swagger swagger.json [--crd crd.yaml]...
//
// Output: one self-contained schema per kind and version, named the way kubeconform's default
// location template expects ({{ .ResourceKind }}{{ .KindSuffix }}.json: deployment-apps-v1.json,
// service-v1.json, servicemonitor-monitoring-v1.json). Schemas are strict: every object that
// lists its properties rejects any other (`additionalProperties: false`), unless the API marks it
// as free-form (x-kubernetes-preserve-unknown-fields), so a misspelt or misplaced field fails.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'

const args = process.argv.slice(2)
const opt = (name) => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []))
const [out] = opt('--out')
const [swaggerPath] = opt('--swagger')
const crdPaths = opt('--crd')
if (!out || !swaggerPath) {
  console.error('usage: k8s-schemas.mjs --out DIR --swagger swagger.json [--crd crd.yaml]...')
  process.exit(2)
}

/** kubeconform's file name for a kind: lowercased kind, first DNS label of the group, version. */
function fileName(group, version, kind) {
  const g = group ? `-${group.split('.')[0].toLowerCase()}` : ''
  return `${kind.toLowerCase()}${g}-${version.toLowerCase()}.json`
}

// Types the API encodes as strings but whose YAML is often a number (`port: 8080`,
// `cpu: 1`): the Kubernetes API server accepts both, so the schema must too.
const INT_OR_STRING = { oneOf: [{ type: 'string' }, { type: 'integer' }] }
const QUANTITY = { oneOf: [{ type: 'string' }, { type: 'number' }] }

/** Makes one (sub)schema strict and drops what only documents it; returns a new object. */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict)
  if (schema === null || typeof schema !== 'object') return schema
  if (schema.format === 'int-or-string' || schema['x-kubernetes-int-or-string'] === true) return INT_OR_STRING
  const outSchema = {}
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description' || k === 'example' || k.startsWith('x-kubernetes-')) continue
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      outSchema[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, strict(sub)]))
    } else if (k === 'nullable') continue
    else outSchema[k] = typeof v === 'object' ? strict(v) : v
  }
  if (schema.nullable === true && typeof outSchema.type === 'string') outSchema.type = [outSchema.type, 'null']
  const freeForm = schema['x-kubernetes-preserve-unknown-fields'] === true
  if (schema.properties && !('additionalProperties' in schema) && !freeForm) outSchema.additionalProperties = false
  return outSchema
}

// ---- core API kinds from the OpenAPI v2 document ----------------------------------------------
const swagger = JSON.parse(readFileSync(swaggerPath, 'utf8'))
const defs = swagger.definitions
const SPECIAL = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': INT_OR_STRING,
  'io.k8s.apimachinery.pkg.api.resource.Quantity': QUANTITY,
}

/** Every definition `name` refers to, directly or not (cycles are fine: refs stay refs). */
function closure(name, seen = new Set()) {
  if (seen.has(name)) return seen
  seen.add(name)
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (node === null || typeof node !== 'object') return
    if (typeof node.$ref === 'string') closure(node.$ref.replace('#/definitions/', ''), seen)
    for (const v of Object.values(node)) walk(v)
  }
  walk(defs[name])
  return seen
}

const converted = new Map()
const convert = (name) => {
  if (!converted.has(name)) converted.set(name, SPECIAL[name] ?? strict(defs[name]))
  return converted.get(name)
}

mkdirSync(out, { recursive: true })
let count = 0
for (const [name, def] of Object.entries(defs)) {
  const gvks = def['x-kubernetes-group-version-kind']
  if (!gvks || !def.properties?.kind) continue
  // A file holds its kind's definition and everything it references, under `definitions`.
  const definitions = Object.fromEntries([...closure(name)].sort().map((n) => [n, convert(n)]))
  for (const { group, version, kind } of gvks) {
    const schema = {
      $ref: `#/definitions/${name}`,
      definitions,
    }
    writeFileSync(join(out, fileName(group, version, kind)), JSON.stringify(schema))
    count++
  }
}

// ---- custom resources from CRD manifests -------------------------------------------------------
const objectMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'
const metaDefinitions = Object.fromEntries([...closure(objectMeta)].sort().map((n) => [n, convert(n)]))
for (const path of crdPaths) {
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    const crd = doc.toJS()
    if (crd?.kind !== 'CustomResourceDefinition') continue
    const { group, names } = crd.spec
    for (const v of crd.spec.versions) {
      if (!v.served || !v.schema?.openAPIV3Schema) continue
      const root = strict(v.schema.openAPIV3Schema)
      // CRDs leave metadata open (`type: object`); the API server still applies ObjectMeta.
      root.properties = {
        ...root.properties,
        apiVersion: { type: 'string', enum: [`${group}/${v.name}`] },
        kind: { type: 'string', enum: [names.kind] },
        metadata: { $ref: `#/definitions/${objectMeta}` },
      }
      root.additionalProperties = false
      writeFileSync(join(out, fileName(group, v.name, names.kind)), JSON.stringify({ ...root, definitions: metaDefinitions }))
      count++
    }
  }
}
console.log(`${count} schemas written to ${out}`)
