import { posix } from 'node:path'
import type { Generator } from '../plan.js'
import { planFolder } from '../plan.js'
import type { TerraformContext } from '../terraform-context.js'

/**
 * Which variant files a stack gets. Templates named `<topic>-<variant>.tf` are alternatives:
 * only the one matching the answers is written, as `<topic>.tf`. One template can serve several
 * choices that share a service (`database-postgres_mysql_mariadb.tf.hbs`: RDS for all three).
 */
function variant(rel: string, tf: TerraformContext): { keep: boolean; as: string } {
  const m = /^(database|cache|ci)-([a-z_]+)\.tf(\.hbs)?$/.exec(posix.basename(rel))
  if (m) {
    const [, topic, which, hbs] = m
    const chosen = topic === 'database' ? tf.database?.engine : topic === 'cache' ? tf.cache?.engine : (tf.ci ?? undefined)
    return { keep: chosen !== undefined && which!.split('_').includes(chosen), as: posix.join(posix.dirname(rel), `${topic}.tf${hbs ?? ''}`) }
  }
  // The registry is created only when it is this cloud's own (ECR, ACR, Artifact Registry).
  if (/^registry\.tf(\.hbs)?$/.test(posix.basename(rel))) return { keep: tf.registry, as: rel }
  return { keep: true, as: rel }
}

/** Terraform for the cloud behind EKS, AKS or GKE: network, cluster, registry, data services, CI identity. */
export const terraform: Generator = {
  id: 'terraform',
  applies: (ctx) => ctx.terraform !== null,
  plan: (ctx, templates) => {
    const tf = ctx.terraform!
    const root = `terraform/${tf.cloud}`
    // planFolder has already turned `x.tf.hbs` into `x.tf` and `_tflint.hcl` into `.tflint.hcl`.
    return planFolder(templates, root, { include: (rel) => variant(rel, tf).keep }).map((f) => ({ ...f, to: posix.join(tf.dir, variant(f.to, tf).as) }))
  },
}
