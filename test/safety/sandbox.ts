import { execFileSync } from 'node:child_process'
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll } from 'vitest'

/** The built CLI, as users run it (`npm test` builds it first). */
export const BIN = fileURLToPath(new URL('../../bin/create-containerized-app.js', import.meta.url))

const made: string[] = []
const mounts: string[] = []

/**
 * A folder of the test's own, removed after the file's tests (mounts in it unmounted first),
 * whatever they did. Runs of the CLI get a HOME in it: caches and user config stay inside.
 */
export function sandbox(prefix = 'cca-safety-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  mkdirSync(join(dir, '.home'))
  return dir
}

/** Mounts with `mount` (root only) and unmounts when the file's tests end. */
export function mount(args: readonly string[], at: string): void {
  execFileSync('mount', [...args, at], { stdio: 'pipe' })
  mounts.push(at)
}

/** Makes a bind mount read-only (the same mount: one unmount undoes it). */
export function remountReadOnly(at: string): void {
  execFileSync('mount', ['-o', 'remount,ro,bind', at], { stdio: 'pipe' })
}

export function unmount(at: string): void {
  const i = mounts.lastIndexOf(at)
  if (i === -1) return
  mounts.splice(i, 1)
  execFileSync('umount', [at], { stdio: 'pipe' })
}

afterAll(() => {
  for (const at of mounts.splice(0).reverse()) {
    try {
      execFileSync('umount', ['-l', at], { stdio: 'pipe' })
    } catch {
      // Already gone.
    }
  }
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

export const isRoot = process.getuid?.() === 0

/** Runs the built CLI non-interactively in `cwd`, with the sandbox's HOME. */
export async function cli(args: readonly string[], cwd: string, home: string) {
  return execa(process.execPath, [BIN, ...args], {
    cwd,
    reject: false,
    env: { HOME: home, XDG_CACHE_HOME: join(home, '.cache'), XDG_CONFIG_HOME: join(home, '.config'), CI: '1', NO_COLOR: '1' },
    extendEnv: true,
    stdin: 'ignore',
  })
}

/** Every entry below `dir`: file contents, link targets, folders; what a test compares before and after. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const visit = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name
      const abs = join(dir, path)
      const st = lstatSync(abs)
      if (st.isSymbolicLink()) out[path] = `link -> ${readlinkSync(abs)}`
      else if (st.isDirectory()) {
        out[path] = 'dir'
        visit(path)
      } else if (st.isFile()) out[path] = readFileSync(abs, 'utf8')
      else out[path] = 'special'
    }
  }
  visit('')
  return out
}

/** Writes files (with their folders) below `dir`. */
export function put(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
}

/** A small Express app an existing-repo run detects without questions. */
export const EXPRESS_APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'app', version: '1.0.0', packageManager: 'npm@10.9.0', scripts: { start: 'node index.js' }, dependencies: { express: '4.21.2' } }),
  'index.js': "const app = require('express')()\napp.get('/healthz', (req, res) => res.send('ok'))\napp.listen(process.env.PORT || 3000)\n",
}
