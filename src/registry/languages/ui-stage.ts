import type { AppFacts, UiBuild } from '../../detect/types.js'
import { byId } from '../lookup.js'
import { hasLockfile, memberPrefix, relPath, unlockedNote } from './contract.js'
import { NODE_DEFAULT_VERSION, NODE_LOCKFILES, NODE_PACKAGE_MANAGERS, YARN_CLASSIC_VERSION } from './node-package-managers.js'
import { cacheMountOptions } from './cache-mounts.js'

/** The web UI stage as the server's Dockerfile writes it. */
export interface UiStage {
  /** Global ARG lines (before the first FROM): the Node image and the UI's package manager, pinned. */
  args: string[]
  /** The stages themselves (Dockerfile text, no trailing newline). */
  stage: string
  /** Where the build writes, relative to the service folder: `COPY --from=ui /app/<it> ./<it>`. */
  output: string
  /** The server reads the output at run time: the prod image carries it. */
  serve: boolean
}

/**
 * Global ARGs the server's own Dockerfile already declares (name → value): a UI on the server's
 * own package manager reuses them; one that would clash gets a `UI_` name of its own.
 */
export type DeclaredArgs = Readonly<Record<string, string>>

/**
 * A `ui` stage building the app's web UI with its own package manager and lockfile, on the
 * official Node.js image; the server's build copies the output from it. Null without a UI (or
 * with one whose folders cannot be written into a Dockerfile).
 */
export function uiStage(app: AppFacts, declared: DeclaredArgs): UiStage | null {
  const ui: UiBuild | undefined = app.ui
  if (!ui) return null
  const dir = relPath(ui.dir)
  const output = relPath(ui.output)
  if (!dir || !output) return null
  const pm = NODE_PACKAGE_MANAGERS.find((p) => p.id === ui.packageManager) ?? byId(NODE_PACKAGE_MANAGERS, 'npm')
  const at = memberPrefix(app)
  const files = ui.installFiles.map(relPath).filter((f): f is string => f !== null)
  const locked = hasLockfile(files, NODE_LOCKFILES)
  const args: string[] = []
  const arg = (name: string, value: string): string => {
    if (declared[name] === value) return name
    const own = declared[name] === undefined ? name : `UI_${name}`
    args.push(`ARG ${own}=${value}`)
    return own
  }
  if (declared.NODE_IMAGE === undefined) {
    args.push('# The web UI builds on Node.js, pinned like the Node.js images of this tool.', `ARG NODE_VERSION=${NODE_DEFAULT_VERSION}`, 'ARG NODE_IMAGE=node:${NODE_VERSION}-trixie-slim')
  }
  const lines: string[] = [
    '# ---------------------------------------------------------------- web UI',
    ...wrap(`${dir}/ builds with its own package manager (${pm.id}) and ${locked ? 'lockfile' : 'manifest'}; the server's build takes its output (${output}) from here${ui.embedded ? ' and compiles it in' : ''}.`),
  ]
  let toolchain: string[] = []
  if (pm.id === 'pnpm') {
    const v = arg('PNPM_VERSION', pm.version!)
    toolchain = [`ARG ${v}`, `RUN --mount=type=cache,${cacheMountOptions('/root/.npm')} \\`, `    npm install --global pnpm@\${${v}}`]
  } else if (pm.id === 'yarn') {
    const v = arg('YARN_VERSION', pm.version!)
    toolchain = [
      `ARG ${v}`,
      `RUN --mount=type=cache,${cacheMountOptions('/root/.npm')} \\`,
      '    rm -f /usr/local/bin/yarn /usr/local/bin/yarnpkg \\',
      `    && npm install --global @yarnpkg/cli-dist@\${${v}}`,
      'ENV YARN_ENABLE_GLOBAL_CACHE=false \\',
      `    YARN_CACHE_FOLDER=${pm.cacheDir}`,
    ]
  } else if (pm.id === 'yarn-classic') {
    const v = arg('YARN_VERSION', YARN_CLASSIC_VERSION)
    toolchain = [`ARG ${v}`, `RUN --mount=type=cache,${cacheMountOptions('/root/.npm')} \\`, '    rm -rf /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \\', `    && npm install --global yarn@\${${v}}`]
  } else if (pm.id === 'bun') {
    const v = arg('BUN_VERSION', pm.version!)
    lines.push(`FROM oven/bun:\${${v}}-slim AS ui-bun`, '')
    toolchain = ['COPY --from=ui-bun /usr/local/bin/bun /usr/local/bin/bun']
  }
  const install = locked ? pm.install : (pm.installUnlocked ?? pm.install)
  lines.push('FROM ${NODE_IMAGE} AS ui', ...toolchain, `WORKDIR /app/${dir}`)
  if (!locked) lines.push(...wrap(unlockedNote(pm.manifests.find((m) => m !== 'package.json' && !m.startsWith('.')) ?? 'lockfile', `${dir}/`)))
  lines.push(
    `RUN ${[...files.map((f) => `--mount=type=bind,source=${at}${dir}/${f},target=/app/${dir}/${f}`), `--mount=type=cache,${cacheMountOptions(pm.cacheDir)}`].join(' \\\n    ')} \\`,
    `    ${install}`,
    `COPY ${at}${dir}/ ./`,
    // A script name is a shell word here: anything beyond the usual characters is quoted.
    `RUN ${pm.run} ${/^[\w:.-]+$/.test(ui.script) ? ui.script : JSON.stringify(ui.script)}`,
  )
  return { args, stage: lines.join('\n'), output, serve: !ui.embedded }
}

/** A comment as Dockerfile lines of at most about 95 characters. */
export function wrap(text: string): string[] {
  const out: string[] = []
  let line = '#'
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 95 && line !== '#') {
      out.push(line)
      line = '#'
    }
    line += ` ${word}`
  }
  out.push(line)
  return out
}
