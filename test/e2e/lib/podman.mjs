// Builds generated projects with Podman as Debian ships it (4.3.1, Buildah 1.28) and runs them,
// on the stand-ins engine.sh moved into Podman's storage. Plain ESM, like containers.mjs.
import { execa } from 'execa'
import { engineEnv } from './containers.mjs'

const podman = (args, opts = {}) => execa(engineEnv().PODMAN ?? 'podman', args, opts)

/** `podman --version`'s number. */
export async function podmanVersion() {
  return (await podman(['--version'])).stdout.replace(/^podman version /, '').trim()
}

/**
 * Builds `target` of the Dockerfile in `dir` as a user would (`podman build --format docker`:
 * the Docker image format keeps HEALTHCHECK, which the OCI format has no field for).
 * `--pull=never`: every base image must already be in Podman's storage.
 */
export async function podmanBuild(dir, tag, { target = 'prod' } = {}) {
  const started = performance.now()
  const b = await podman(['build', '--pull=never', '--format', 'docker', '--target', target, '-t', tag, dir], { reject: false, all: true })
  if (b.exitCode !== 0) {
    const cause = b.all.split('\n').filter((l) => /^Error: /.test(l)).at(-1) ?? ''
    throw new Error(`podman build of ${dir} (target ${target}) failed: ${cause}\n${b.all.slice(-6000)}`)
  }
  return { seconds: (performance.now() - started) / 1000, log: b.all }
}

export async function podmanInspect(ref, kind = 'container') {
  const { stdout } = await podman([kind, 'inspect', ref])
  return JSON.parse(stdout)[0]
}

/**
 * Starts a container with a published port. The rlimits are set low and explicit: Podman's
 * defaults (and even this machine's own nproc) are above what a process in a container, as CI
 * runs, may set, and runc then refuses to start the container.
 */
export async function podmanRun(image, port, { env: vars = {} } = {}) {
  const args = ['run', '-d', '-p', `127.0.0.1::${port}`, '--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096']
  for (const [k, v] of Object.entries(vars)) args.push('-e', `${k}=${v}`)
  const { stdout } = await podman([...args, image])
  const id = stdout.trim().split('\n').at(-1)
  const { stdout: mapped } = await podman(['port', id, `${port}/tcp`])
  return { id, url: `http://${mapped.split('\n')[0].trim()}` }
}

/**
 * Runs the image's HEALTHCHECK with `podman healthcheck run` until it passes (Podman schedules
 * its probes with systemd timers, which a machine without systemd does not have).
 */
export async function podmanWaitHealthy(id, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  let status = 'starting'
  while (Date.now() < deadline) {
    const r = await podman(['healthcheck', 'run', id], { reject: false })
    if (r.exitCode === 0) {
      status = 'healthy'
      break
    }
    if (!(await podmanInspect(id)).State.Running) {
      status = 'exited'
      break
    }
    await new Promise((res) => setTimeout(res, 1000))
  }
  const logs = await podman(['logs', '--tail', '30', id], { reject: false })
  return { status, logs: `${logs.stdout}\n${logs.stderr}` }
}

export async function podmanRemove(id) {
  await podman(['rm', '-f', '-v', id], { reject: false })
}
