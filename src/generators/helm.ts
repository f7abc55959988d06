import type { Generator, PlannedFile } from '../plan.js'
import { planFolder } from '../plan.js'

const CHART = 'k8s/helm'

/**
 * The Helm chart for the Kubernetes platforms. Chart templates are Helm's own and are copied
 * verbatim (only `<CHARTNAME>`, in the helpers' names, is replaced, as `helm create` does); what
 * varies per answer lives in Chart.yaml and the values files, the chart's parameter surface.
 */
export const helm: Generator = {
  id: 'helm',
  applies: (ctx) => ctx.k8s?.format === 'helm',
  plan: (ctx, templates) =>
    planFolder(templates, CHART, { to: ctx.k8s!.chartDir, replace: { '<CHARTNAME>': ctx.name } }).map((f): PlannedFile => {
      if (!('template' in f) || f.template.startsWith(`${CHART}/templates/`)) return f
      const { replace: _unused, ...plain } = f
      return plain
    }),
}
