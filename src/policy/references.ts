/**
 * The grammars values from a config must follow before they reach a Dockerfile, a Compose file or
 * a chart: image references as the OCI distribution spec (and Docker's reference package) define
 * them, and DNS hostnames. Pure checks returning why a value is wrong, or undefined.
 */

// github.com/distribution/reference: domain-component, and path-component with its separators.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?`
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*'
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}'

const HOST = new RegExp(`^${DOMAIN}$`)
const REPOSITORY = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`)
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::${TAG})?(?:@${DIGEST})?$`)
const PREFIX = new RegExp(`^${DOMAIN}(?:/${PATH_COMPONENT})*/?$`)

/** Docker reads the first part of a name as a registry only when it has a `.` or `:`, or is localhost. */
const namesRegistry = (first: string) => first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[')

/** Docker Hub's official-image shorthand (`docker.io`) and any registry host, with an optional port. */
export function registryHostProblem(host: string): string | undefined {
  if (!HOST.test(host) || host.length > 253) return 'is not a registry host (a DNS name or IP address, optionally with :port, e.g. "docker.io" or "registry.acme.dev:5000")'
  return undefined
}

/**
 * A mirror or allowed prefix: a registry host followed by zero or more repository path parts,
 * never a tag or digest (`registry.acme.dev/dockerhub`). Its first part must read as a registry,
 * or Docker would look for it on Docker Hub.
 */
export function imagePrefixProblem(prefix: string): string | undefined {
  if (!PREFIX.test(prefix) || prefix.length > 255) return 'is not a registry host followed by repository path parts (lowercase letters, digits and . _ - separators), e.g. "registry.acme.dev/dockerhub"'
  if (!namesRegistry(prefix.split('/')[0]!)) return `does not start with a registry host: Docker would read "${prefix.split('/')[0]}" as a Docker Hub namespace (a host has a "." or ":", or is localhost)`
  return undefined
}

/** A full image reference: `[registry/]path[:tag][@digest]`, the repository at most 255 characters. */
export function imageReferenceProblem(ref: string): string | undefined {
  const m = REFERENCE.exec(ref)
  if (!m) return 'is not an image reference ([registry/]repository[:tag][@digest], repository parts in lowercase)'
  if (m[1]!.length > 255) return 'has a repository name longer than 255 characters'
  return undefined
}

/** A repository name without tag or digest. */
export const isRepository = (name: string): boolean => REPOSITORY.test(name) && name.length <= 255

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i

/** A DNS hostname (RFC 1123): dot-separated labels of letters, digits and inner hyphens, at most 253 characters. */
export function hostnameProblem(host: string): string | undefined {
  if (host.length === 0 || host.length > 253) return 'is not a hostname (1 to 253 characters)'
  if (!host.split('.').every((l) => LABEL.test(l))) return 'is not a hostname (dot-separated labels of letters, digits and inner "-", each at most 63 characters)'
  return undefined
}
