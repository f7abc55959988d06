import type { Generator } from '../plan.js'
import { fromWorkspaceRoot } from '../registry/languages/contract.js'

/**
 * The language's multi-stage Dockerfile and its tuned .dockerignore. A workspace member builds
 * from the workspace root (`app.buildContext`), whose own .dockerignore is not this service's:
 * BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile first, so the ignore file
 * goes there, written for the root's layout.
 */
export const dockerfile: Generator = {
  id: 'dockerfile',
  applies: () => true,
  plan: (ctx) => [
    { to: 'Dockerfile', template: `${ctx.language.id}/Dockerfile.hbs` },
    { to: ctx.retrofit && fromWorkspaceRoot(ctx.retrofit.app) ? 'Dockerfile.dockerignore' : '.dockerignore', template: `${ctx.language.id}/_dockerignore.hbs` },
  ],
}
