import type { Policy } from '../config/types.js'
import { compareQuantities, parseQuantity, requireQuantity } from './quantity.js'

export const RESOURCE_KINDS = ['requests', 'limits'] as const
export const RESOURCE_NAMES = ['cpu', 'memory'] as const
export type ResourceKind = (typeof RESOURCE_KINDS)[number]
export type ResourceName = (typeof RESOURCE_NAMES)[number]

/** A container's requests and limits, each quantity as written (`100m`, `1`, `512Mi`). */
export type ContainerResources = Record<ResourceKind, Record<ResourceName, string>>

/** The larger of two quantities, as written (a config file may give `cpu: 1` as a number); `a` when they are equal. */
function larger(a: string, b: string | number): string {
  const qa = parseQuantity(a)
  const qb = parseQuantity(b)
  if (!qa || !qb) throw new Error(`internal: ${JSON.stringify(qa ? b : a)} is not a Kubernetes quantity`)
  return compareQuantities(qa, qb) >= 0 ? a : String(b)
}

/** Throws when a floor is not a quantity, naming the policy rule, before anything is generated from it. */
export function checkResourceFloor(floor: Policy['resources']): void {
  for (const kind of RESOURCE_KINDS) {
    for (const name of RESOURCE_NAMES) {
      const v = floor?.[kind]?.[name]
      if (v !== undefined) requireQuantity(v, `policy resources.${kind}.${name}`)
    }
  }
}

/**
 * Raises every value below the policy's floor to it. A limit below its (raised) request is raised
 * to the request too: the API server refuses a container whose request exceeds its limit.
 */
export function applyResourceFloor(r: ContainerResources, floor: Policy['resources']): ContainerResources {
  const out: ContainerResources = { requests: { ...r.requests }, limits: { ...r.limits } }
  for (const name of RESOURCE_NAMES) {
    const request = floor?.requests?.[name]
    if (request !== undefined) out.requests[name] = larger(out.requests[name], request)
    const limit = floor?.limits?.[name]
    if (limit !== undefined) out.limits[name] = larger(out.limits[name], limit)
    out.limits[name] = larger(out.limits[name], out.requests[name])
  }
  return out
}
