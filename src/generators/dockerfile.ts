import type { Generator } from '../plan.js'

/** The language's multi-stage Dockerfile and its tuned .dockerignore. */
export const dockerfile: Generator = {
  id: 'dockerfile',
  applies: () => true,
  plan: (ctx) => [
    { to: 'Dockerfile', template: `${ctx.language.id}/Dockerfile.hbs` },
    { to: '.dockerignore', template: `${ctx.language.id}/_dockerignore.hbs` },
  ],
}
