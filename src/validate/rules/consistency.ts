import type { Rule } from '../types.js'
import { envNameMismatch } from './consistency/env.js'
import { healthPathMismatch } from './consistency/health.js'
import { imageNameMismatch } from './consistency/image.js'
import { serviceNameMismatch } from './consistency/names.js'
import { portMismatch } from './consistency/port.js'
import { readmeMismatch } from './consistency/readme.js'

/**
 * The values several files must agree on for one app: its port, health paths, image, variable
 * names, the names of the services it reaches, and what README.containers.md says of them. Each service of a repository (a folder with
 * a Dockerfile or Compose file) is compared with its own Compose files, chart or Kustomize tree
 * and pipelines.
 */
export const CONSISTENCY_RULES: Rule[] = [portMismatch, healthPathMismatch, imageNameMismatch, envNameMismatch, serviceNameMismatch, readmeMismatch]
