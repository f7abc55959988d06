// Bundles the CLI into one ESM file so `npx create-containerized-app` installs a single
// package with no dependency tree (the create-vite model). Templates ship beside it.
import { readFile } from 'node:fs/promises'
import { build } from 'esbuild'

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  define: { __CCA_VERSION__: JSON.stringify(pkg.version) },
  // Handlebars is CommonJS and probes `require` at load time.
  banner: { js: "import { createRequire as __cca_require } from 'node:module'; const require = __cca_require(import.meta.url);" },
  logLevel: 'warning',
})
