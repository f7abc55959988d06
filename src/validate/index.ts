import { validateAnswers } from '../answers.js'
import { parseAnswersFile } from '../answers-file.js'
import { ruleSource, type ResolvedConfig } from '../config/resolve.js'
import { answerViolations } from '../config/rules.js'
import { inspectFiles } from '../policy/inspect.js'
import { CHART_RULES } from './rules/chart.js'
import { COMPOSE_RULES } from './rules/compose.js'
import { buildTargetMissing } from './rules/compose-target.js'
import { CONSISTENCY_RULES } from './rules/consistency.js'
import { DOCKERFILE_RULES } from './rules/dockerfile.js'
import { fileNotChecked } from './rules/unchecked.js'
import type { Finding, ProjectFiles, Rule } from './types.js'

/** Every built-in rule, in the order reports list their families. */
export const RULES: readonly Rule[] = [fileNotChecked, ...CONSISTENCY_RULES, ...DOCKERFILE_RULES, ...COMPOSE_RULES, buildTargetMissing, ...CHART_RULES]

/**
 * The files the built-in rules and the policy read: container files, manifests, pipelines and
 * the tool's records. Application code is never read.
 */
export function isContainerFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1)
  return (
    /^Dockerfile(\..+)?$/.test(name) ||
    /^(docker-)?compose([.\w-]*)\.ya?ml$/.test(name) ||
    name === '.env.example' ||
    name === 'README.containers.md' ||
    name === '.dockerignore' ||
    name === '.gitlab-ci.yml' ||
    path.startsWith('.github/') ||
    /\.(ya?ml|tpl|tf|tfvars)$/.test(name) ||
    name === 'Chart.yaml' ||
    name === 'values.schema.json' ||
    /(^|\/)\.containerized\/answers\.json$/.test(path)
  )
}

const POLICY_HINT: Record<string, string> = {
  'baseImages.mirrors': 'Pull the base image through the mirror the policy names (create-containerized-app update rewrites it).',
  'baseImages.allowedPrefixes': 'Use a base image from an allowed registry.',
  labels: 'Add the label to commonLabels in values.yaml (Helm) or the base kustomization labels.',
  annotations: 'Add the annotation to podAnnotations (Helm) or commonAnnotations (Kustomize).',
  scan: 'Fail the image scan on every severity from CRITICAL down to the policy\'s threshold (SCAN_SEVERITY).',
  resources: 'Raise the value to the policy\'s floor in every environment file.',
}

/** Policy findings: the answers each record holds and the files on disk, against the merged config. */
export function policyFindings(project: ProjectFiles, config: ResolvedConfig): Finding[] {
  const out: Finding[] = []
  for (const [path, text] of project.files) {
    if (!/(^|\/)\.containerized\/answers\.json$/.test(path)) continue
    let answers
    try {
      answers = validateAnswers(parseAnswersFile(text, path))
    } catch {
      continue // a record that does not validate is the CLI's to report when it is replayed
    }
    for (const v of answerViolations(config, answers)) {
      out.push({ rule: `policy.${v.rule}`, severity: 'error', file: path, message: v.message, hint: `Change ${v.field} (create-containerized-app update --${v.field === 'k8sFormat' ? 'k8s-format' : v.field} <value>) or the policy in ${v.source}.` })
    }
  }
  for (const v of inspectFiles(project.files, config.policy, (rule) => ruleSource(config, rule))) {
    const family = Object.keys(POLICY_HINT).find((k) => v.rule === k || v.rule.startsWith(`${k}.`)) ?? ''
    out.push({ rule: `policy.${v.rule}`, severity: 'error', file: v.file ?? v.source, message: v.message.includes(v.source) ? v.message : `${v.message} (${v.source})`, hint: POLICY_HINT[family] ?? 'See the policy file.' })
  }
  return out
}

/** Runs every built-in rule; a rule that throws is a bug, reported as a finding rather than a crash. */
export function runRules(project: ProjectFiles, rules: readonly Rule[] = RULES): Finding[] {
  return rules.flatMap((r) => {
    try {
      return r.check(project)
    } catch (err) {
      return [{ rule: r.id, severity: 'error' as const, file: '.', message: `internal: rule ${r.id} failed: ${(err as Error).message}`, hint: 'Please report this with the file that triggered it.' }]
    }
  })
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.rule.localeCompare(b.rule))
}
