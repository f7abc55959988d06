import type { Generator } from '../plan.js'
import { planFolder } from '../plan.js'

/**
 * The Helm chart for the Kubernetes platforms. Chart templates are Helm's own and are copied
 * verbatim (only `<CHARTNAME>` is replaced, as `helm create` does); what varies per answer lives
 * in Chart.yaml and the values files, the chart's parameter surface.
 */
export const helm: Generator = {
  id: 'helm',
  applies: (ctx) => ctx.k8s?.format === 'helm',
  plan: (ctx, templates) => planFolder(templates, 'k8s/helm', { to: ctx.k8s!.chartDir, replace: { '<CHARTNAME>': ctx.name } }),
}
