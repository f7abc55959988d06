// Bundles the CLI into dist/ so `npx create-containerized-app` installs a single package with
// no dependency tree (the create-vite model). Templates ship beside it.
//
// What a run loads is kept to what it uses, because a short-lived CLI spends most of its time
// loading and compiling code (`npm run bench` prints the CPU time against create-vite):
//  - dist/index.js is the entry; `import()` in the sources splits the rest into chunks, so
//    `--version` and `--help` (dist/help.js, bundled on its own) never load the generator, and
//    `create` never loads `update`;
//  - the package's own Handlebars templates are precompiled here into dist/hbs/ (one spec per
//    template text, src/template-engine.ts finds it by content), so a run does not compile them;
//  - the Handlebars compiler (for templates from packs), the YAML library and the prompts are
//    bundled into dist/vendor/*.cjs and, like two costly Node built-ins, loaded on first use
//    instead of with the module that imports them.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, transform } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
const require = createRequire(import.meta.url)

await rm(dist, { recursive: true, force: true })
await mkdir(join(dist, 'hbs'), { recursive: true })

// Handlebars is CommonJS and probes `require` at load time.
const banner = { js: "import { createRequire as __cca_require } from 'node:module'; const require = __cca_require(import.meta.url);" }

// ---- precompiled templates ---------------------------------------------------------------
// The same module the bundle renders with, built for Node here, so the key and the compile
// options cannot drift apart.
const engineFile = join(root, 'node_modules/.cache/create-containerized-app/template-engine.mjs')
await build({ entryPoints: [join(root, 'src/template-engine.ts')], outfile: engineFile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' })
const engine = await import(pathToFileURL(engineFile).href)
// As src/templates.ts lists them: caches a starter app may have left are not templates.
const LITTER = new Set(['.ruff_cache', '.pytest_cache', '.mypy_cache', '__pycache__', 'node_modules', '.DS_Store'])
async function hbsFiles(dir) {
  const out = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (LITTER.has(e.name)) continue
    if (e.isDirectory()) out.push(...(await hbsFiles(join(dir, e.name))))
    else if (e.name.endsWith('.hbs')) out.push(join(dir, e.name))
  }
  return out
}
const specs = new Map()
for (const file of await hbsFiles(join(root, 'templates'))) {
  const source = await readFile(file, 'utf8')
  specs.set(engine.templateKey(source), engine.precompileTemplate(source))
}
// Minified like the bundle (a third smaller); still the one object literal Handlebars wrote.
for (const [key, spec] of specs) {
  const { code } = await transform(`x=${spec}`, { minify: true, loader: 'js', target: 'node20' })
  if (!code.startsWith('x=')) throw new Error(`precompiling: unexpected minified spec for ${key}`)
  await writeFile(join(dist, 'hbs', `${key}.js`), code.slice(2).replace(/;\n?$/, ''))
}

// ---- libraries and Node built-ins, loaded on first use --------------------------------------
// In the sources, `import Handlebars from 'handlebars'`, `import { parse } from 'yaml'` and
// `import * as p from '@clack/prompts'` get a stand-in that requires dist/vendor/<name>.cjs when
// first used, and so do the Node built-ins that cost most to load (child_process pulls in net
// and dgram, crypto its whole tree) and that only some runs call. A function export is
// forwarded (also under `new`), an object export is a proxy; the sources use no other kind, and
// esbuild fails the build if one is imported that the stand-in lacks. Bundled dependencies
// (execa) keep their own imports.
const VENDORED = ['handlebars', 'yaml', '@clack/prompts']
const BUILTINS = ['node:child_process', 'node:crypto']
const vendorFile = (name) => `vendor/${name.replace(/^@/, '').replace('/', '-')}.cjs`
for (const name of VENDORED) {
  await build({ stdin: { contents: `module.exports = require(${JSON.stringify(name)})`, resolveDir: root }, outfile: join(dist, vendorFile(name)), bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, legalComments: 'linked', logLevel: 'warning' })
}
async function stub(name) {
  const file = VENDORED.includes(name) ? `./${vendorFile(name)}` : name
  const load = `import { createRequire } from 'node:module'\nlet m\nconst get = () => (m ??= createRequire(import.meta.url)(${JSON.stringify(file)}))\n`
  if (name === 'handlebars') return `${load}export default new Proxy({}, { get: (_, key) => get()[key] })\n`
  const mod = await import(name)
  const names = Object.keys(mod).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k))
  return (
    load +
    names
      .map((k) =>
        typeof mod[k] === 'function'
          ? `export function ${k}(...a) { return new.target ? new (get().${k})(...a) : get().${k}(...a) }\n`
          : typeof mod[k] === 'object' && mod[k] !== null
            ? `export const ${k} = new Proxy({}, { get: (_, key) => get().${k}[key] })\n`
            : '',
      )
      .join('')
  )
}
const lazy = [...VENDORED, ...BUILTINS].map((n) => n.replace(/[/@]/g, '\\$&'))
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${lazy.join('|')})$`) }, (args) => (args.importer.startsWith(join(root, 'src')) ? { path: args.path, namespace: 'lazy' } : undefined))
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, async (args) => ({ contents: await stub(args.path), loader: 'js', resolveDir: root }))
  },
}

// ---- the CLI -------------------------------------------------------------------------------
const common = {
  // Paths in the metafiles (checked below) are relative to the repository.
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  define: { __CCA_VERSION__: JSON.stringify(pkg.version), __CCA_PRECOMPILED__: JSON.stringify('./hbs'), __CCA_HELP_BUNDLE__: JSON.stringify('./help.js') },
  banner,
  plugins: [lazyModules],
  logLevel: 'warning',
}
// `--help` alone: one self-contained file (its own copy of the field table and the config
// code), because each further module costs a lone `--help` more than its bytes do.
const help = await build({ ...common, entryPoints: { help: join(root, 'src/help.ts') }, outdir: dist, metafile: true })
const cli = await build({
  ...common,
  metafile: true,
  entryPoints: { index: join(root, 'src/cli.ts') },
  outdir: dist,
  // Chunks sit beside the entry: the stand-ins and the precompiled specs are found relative
  // to the chunk that asks (import.meta.url).
  chunkNames: '[name]-[hash]',
  splitting: true,
})

// What each path loads before it runs, from esbuild's own record: the entry's static imports
// for `--version`, dist/help.js for `--help`. Neither may hold the generator, and a `create`
// must not hold `update` or `check` (they are import()ed when they run; cli/validate.ts is
// still loaded, for the formatFindings the post-generation check prints with).
function loads(metafile, entry) {
  const files = new Set()
  const inputs = new Set()
  const visit = (out) => {
    if (files.has(out)) return
    files.add(out)
    for (const input of Object.keys(metafile.outputs[out].inputs)) inputs.add(input)
    for (const i of metafile.outputs[out].imports) if (i.kind === 'import-statement' && metafile.outputs[i.path]) visit(i.path)
  }
  visit(Object.keys(metafile.outputs).find((o) => o.endsWith(entry)))
  return [...inputs]
}
const GENERATOR = /^src\/(generate|render|template-engine)\.ts$|^src\/(generators|detect|validate)\/|^node_modules\/(handlebars|yaml)\//
for (const [path, inputs] of [['--version', loads(cli.metafile, 'dist/index.js')], ['--help', loads(help.metafile, 'dist/help.js')]]) {
  const wrong = inputs.filter((i) => GENERATOR.test(i))
  if (wrong.length) throw new Error(`build: ${path} would load the generator: ${wrong.join(', ')}`)
}
const createOut = Object.keys(cli.metafile.outputs).find((o) => cli.metafile.outputs[o].entryPoint === 'src/index.ts')
const commands = loads(cli.metafile, createOut).filter((i) => /^src\/cli\/(update|check)\.ts$/.test(i))
if (commands.length) throw new Error(`build: create would load ${commands.join(', ')}`)
