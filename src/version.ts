declare const __CCA_VERSION__: string | undefined

/**
 * The bundle gets its version inlined at build time; tests running from source read it
 * from package.json's sibling through the environment set by vitest's config.
 */
export const TOOL = {
  name: 'create-containerized-app',
  version: typeof __CCA_VERSION__ === 'string' ? __CCA_VERSION__ : (process.env.CCA_VERSION ?? '0.0.0-dev'),
} as const
