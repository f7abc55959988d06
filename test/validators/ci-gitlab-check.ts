import { parse as parseYaml } from 'yaml'

/**
 * The GitLab pipeline's own security check, the counterpart of zizmor for GitHub (GitLab has no
 * such linter): job images pinned by digest, and no credential on a command line.
 *
 * - image-digest: every job image and service is `image:tag@sha256:<64 hex>`, unless `unpinned`
 *   accepts it (an image whose digest has no trustworthy record, listed in
 *   src/registry/image-digests.ts); a reference with a variable cannot be pinned at all.
 * - secret-on-command-line: `docker run` takes no secret as an -e/--env variable or argument, no
 *   --env-file, no mounted Docker config, nothing expanded from `$(cat …)`: the Docker-in-Docker
 *   daemon keeps all of them in the container's config, where `docker inspect` shows them. A
 *   secret goes in on stdin. `docker login` takes its password on stdin, never as -p/--password.
 */
export interface GitlabFinding {
  rule: 'image-digest' | 'secret-on-command-line'
  where: string
  detail: string
}

type Obj = Record<string, unknown>

const DIGEST = /@sha256:[0-9a-f]{64}$/
/** Variable names that hold credentials, besides the jobs' id_tokens. */
const SECRET_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|_KEY$|AUTH|CREDENTIAL/

function images(job: Obj): string[] {
  const out: string[] = []
  const ref = (x: unknown) => (typeof x === 'string' ? x : x && typeof x === 'object' && typeof (x as Obj).name === 'string' ? ((x as Obj).name as string) : null)
  const image = ref(job.image)
  if (image) out.push(image)
  if (Array.isArray(job.services)) for (const s of job.services) if (ref(s)) out.push(ref(s)!)
  return out
}

/** The commands of a script line as the job's shell sees them: single-quoted text is literal (never expanded), so it is blanked. */
function commands(line: string): string[][] {
  const unquoted = line.replace(/'[^']*'/g, "'…'")
  return unquoted
    .split(/\|\|?|&&|;|\n/)
    .map((c) => c.trim().split(/\s+/).filter(Boolean))
    .filter((c) => c.length > 0)
}

const expands = (token: string, secrets: ReadonlySet<string>) =>
  /\$\(/.test(token) || [...token.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].some((m) => secrets.has(m[1]!) || SECRET_NAME.test(m[1]!))

export function checkGitlabCi(text: string, unpinned: (ref: string) => boolean = () => false): GitlabFinding[] {
  const doc = parseYaml(text) as Obj
  const findings: GitlabFinding[] = []
  const jobs = Object.entries(doc).filter((e): e is [string, Obj] => !!e[1] && typeof e[1] === 'object' && !Array.isArray(e[1]) && e[0] !== 'variables' && e[0] !== 'workflow')
  const secrets = new Set(['CI_REGISTRY_PASSWORD', 'CI_JOB_TOKEN', 'CI_DEPLOY_PASSWORD'])
  for (const [, job] of jobs) if (job.id_tokens && typeof job.id_tokens === 'object') for (const name of Object.keys(job.id_tokens)) secrets.add(name)

  for (const [name, job] of jobs) {
    for (const ref of images(job)) {
      if (ref.includes('$')) findings.push({ rule: 'image-digest', where: name, detail: `${ref}: a variable in the image reference, which cannot be pinned` })
      else if (!DIGEST.test(ref) && !unpinned(ref)) findings.push({ rule: 'image-digest', where: name, detail: `${ref}: pinned by tag only` })
    }
    const lines = ['before_script', 'script', 'after_script'].flatMap((k) => (Array.isArray(job[k]) ? (job[k] as unknown[]).map(String) : []))
    for (const line of lines) {
      for (const cmd of commands(line)) {
        const at = (i: number) => cmd[i] ?? ''
        if (at(0) === 'docker' && at(1) === 'login') {
          if (cmd.some((t) => t === '-p' || t.startsWith('--password') && t !== '--password-stdin')) findings.push({ rule: 'secret-on-command-line', where: name, detail: `docker login with a password argument: ${line}` })
          continue
        }
        if (!(at(0) === 'docker' && (at(1) === 'run' || (at(1) === 'container' && at(2) === 'run')))) continue
        for (let i = 2; i < cmd.length; i++) {
          const t = cmd[i]!
          const flag = /^(-e|--env|-v|--volume|--mount|--env-file)(=.*)?$/.exec(t)
          const value = flag ? (flag[2] ? flag[2].slice(1) : at(++i)) : t
          if (flag?.[1] === '--env-file') findings.push({ rule: 'secret-on-command-line', where: name, detail: `docker run --env-file: its variables are kept in the container config: ${line}` })
          else if (flag && (flag[1] === '-e' || flag[1] === '--env')) {
            const variable = value.split('=')[0]!
            if (secrets.has(variable) || SECRET_NAME.test(variable) || expands(value, secrets)) findings.push({ rule: 'secret-on-command-line', where: name, detail: `docker run -e ${variable}: a secret in the container config: ${line}` })
          } else if (flag) {
            if (/\.docker|config\.json|\$DOCKER_CONFIG/.test(value)) findings.push({ rule: 'secret-on-command-line', where: name, detail: `docker run mounts the registry login: ${line}` })
          } else if (expands(value, secrets)) findings.push({ rule: 'secret-on-command-line', where: name, detail: `docker run argument ${value}: a secret in the container config: ${line}` })
        }
      }
    }
  }
  return findings
}
