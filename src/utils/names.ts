/** Longest name a Helm release accepts; also keeps derived names (`<name>-postgres`) within 63. */
export const MAX_NAME_LENGTH = 53

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/

/**
 * Why `name` cannot be the project name, or undefined when it can. The name becomes a
 * DNS-1123 label (Kubernetes objects), an image repository and a Helm release name, so it
 * has to satisfy the strictest of the three.
 */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty'
  if (name.length > MAX_NAME_LENGTH) return `it is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`
  if (!DNS_LABEL.test(name)) {
    return 'it must be lowercase letters, digits and "-", start with a letter and end with a letter or digit'
  }
  return undefined
}

/** Turns a folder name such as "My API_v2" into a usable project name ("my-api-v2"). */
export function toProjectName(raw: string): string {
  const slug = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/-+$/, '')
  return slug || 'my-service'
}
