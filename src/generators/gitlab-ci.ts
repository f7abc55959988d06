import type { Generator } from '../plan.js'

/** GitLab CI: one `.gitlab-ci.yml` (GitLab's `$VAR` syntax does not clash with Handlebars) and Renovate. */
export const gitlabCi: Generator = {
  id: 'gitlab-ci',
  applies: (ctx) => ctx.ci?.provider === 'gitlab',
  plan: () => [
    { to: '.gitlab-ci.yml', template: 'ci/gitlab/_gitlab-ci.yml.hbs' },
    { to: 'renovate.json', template: 'ci/gitlab/renovate.json' },
  ],
}
