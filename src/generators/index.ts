import type { Generator } from '../plan.js'
import { compose } from './compose.js'
import { dockerfile } from './dockerfile.js'
import { githubActions } from './github-actions.js'
import { gitlabCi } from './gitlab-ci.js'
import { helm } from './helm.js'
import { kustomize } from './kustomize.js'
import { project } from './project.js'
import { starterApp } from './starter-app.js'
import { terraform } from './terraform.js'

/** Every artifact family, in the order their files are reported. */
export const GENERATORS: readonly Generator[] = [starterApp, dockerfile, compose, helm, kustomize, terraform, githubActions, gitlabCi, project]
