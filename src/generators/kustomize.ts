import type { Generator } from '../plan.js'
import { planFolder } from '../plan.js'

/** Kustomize base and dev/staging/prod overlays, for teams that do not use Helm. */
export const kustomize: Generator = {
  id: 'kustomize',
  applies: (ctx) => ctx.k8s?.format === 'kustomize',
  plan: (ctx, templates) =>
    planFolder(templates, 'k8s/kustomize', {
      to: ctx.k8s!.kustomizeDir,
      // Dev runs the database and cache in the cluster only when there are any.
      include: (rel) => rel !== 'overlays/dev/in-cluster.yaml.hbs' || ctx.k8s!.inCluster.length > 0,
    }),
}
