import type { AnswerKey } from '../answers.js'

/** Severities in the order scanners rank them; a policy names the lowest one that must fail a build. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface ResourceFloor {
  cpu?: string
  memory?: string
}

/**
 * The organization's rules. Every field is optional; a run that breaks one fails with the rule's
 * id and the file that set it, and `check` reports generated files that drifted from it.
 */
export interface Policy {
  /** Only these values are accepted for an answer (`allow.platform: [eks, kubernetes]`). */
  allow?: Partial<Record<AnswerKey, readonly (string | number)[]>>
  /** These values are refused (`forbid.database: [mongodb]`). */
  forbid?: Partial<Record<AnswerKey, readonly (string | number)[]>>
  baseImages?: {
    /**
     * Source registry → mirror prefix, e.g. `{"docker.io": "registry.acme.dev/dockerhub"}`: every
     * base image from that registry is pulled through the mirror (`node:22` →
     * `registry.acme.dev/dockerhub/library/node:22`).
     */
    mirrors?: Readonly<Record<string, string>>
    /** Prefixes every base image must start with (default: the mirrors' prefixes). */
    allowedPrefixes?: readonly string[]
  }
  /** Labels every Kubernetes object must carry (Helm `commonLabels`, Kustomize `labels`). */
  labels?: Readonly<Record<string, string>>
  /** Annotations every pod must carry (Helm `podAnnotations`, Kustomize `commonAnnotations`). */
  annotations?: Readonly<Record<string, string>>
  /** Lowest requests and limits for the app container, in every environment. */
  resources?: { requests?: ResourceFloor; limits?: ResourceFloor }
  /** The image scan fails the build on findings of this severity and above. */
  scan?: { failOn?: Severity }
}

/** One config file as written: `containerized.config.{json,yaml,yml}` or package.json's "containerized". */
export interface ConfigFile {
  /** Presets this file builds on, applied before it: paths or npm package specs. */
  extends?: string | readonly string[]
  /** Default answers; a later layer (team, repo) or a flag may change them. */
  defaults?: Partial<Record<AnswerKey, unknown>>
  /** Answers fixed by this layer: not asked, and any other value is refused. */
  locked?: Partial<Record<AnswerKey, unknown>>
  policy?: Policy
  /** Template packs: paths or npm package specs. */
  packs?: readonly string[]
  /** Values for the packs' declared variables. */
  variables?: Readonly<Record<string, unknown>>
}
