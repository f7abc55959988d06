import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_OPS, type FsOps } from '../../src/disk/commit.js'
import { FsWriter, WriteFailed, WriteRefused } from '../../src/write.js'
import { cli, EXPRESS_APP, isRoot, mount, put, remountReadOnly, sandbox, tree, unmount } from './sandbox.js'

// Issue 19, items 1, 2, 4, 8 and 10 (the writer's part), with the built CLI where the whole run
// matters: a refused run exits 1 and leaves every folder, inside the target and around it, as
// it was.

/** A sandbox with an existing Express app in `repo/` and an empty folder `outside/` beside it. */
function repoBesideOutside() {
  const box = sandbox()
  const repo = join(box, 'repo')
  const outside = join(box, 'outside')
  put(repo, EXPRESS_APP)
  mkdirSync(outside)
  return { box, repo, outside, home: join(box, '.home') }
}

describe('item 1: one path-safety layer, symlinks in and around the target', () => {
  it('a folder of the app linked outside the repo (deploy/ -> ../outside): exit 1, nothing written in the repo or outside', async () => {
    const { repo, outside, home } = repoBesideOutside()
    symlinkSync('../outside', join(repo, 'deploy'))
    const before = tree(repo)
    const r = await cli(['.', '--yes', '--platform', 'kubernetes'], repo, home)
    expect(r.exitCode, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/deploy: is a symbolic link to \.\.\/outside; nothing is written or read through it/)
    expect(r.stderr).toMatch(/Nothing was written/)
    expect(tree(repo)).toEqual(before)
    expect(readdirSync(outside)).toEqual([])
  })

  it('a link to a folder inside the repo is refused too: nothing is written through any link', async () => {
    const { repo, home } = repoBesideOutside()
    mkdirSync(join(repo, 'real-deploy'))
    symlinkSync('real-deploy', join(repo, 'deploy'))
    const before = tree(repo)
    const r = await cli(['.', '--yes', '--platform', 'kubernetes'], repo, home)
    expect(r.exitCode, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/deploy: is a symbolic link to real-deploy/)
    expect(tree(repo)).toEqual(before)
  })

  it('the target is a symlink to a non-empty folder (ln -s /etc etclink): resolved, reported and refused; nothing written there', async () => {
    const box = sandbox()
    const home = join(box, '.home')
    put(box, { 'etc/hosts': '127.0.0.1 localhost\n', 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n' })
    symlinkSync(join(box, 'etc'), join(box, 'etclink'))
    const before = tree(join(box, 'etc'))
    const r = await cli(['etclink', '--yes'], box, home)
    expect(r.exitCode, r.stderr).toBe(1)
    expect(r.stderr).toContain(`etclink is a symbolic link to ${join(box, 'etc')}`)
    expect(r.stderr).toMatch(/is not empty \(hosts, passwd\) and holds no app create-containerized-app recognizes/)
    expect(tree(join(box, 'etc'))).toEqual(before)
  })

  it('the target is a symlink to an empty folder: followed, and the run says where the files went', async () => {
    const box = sandbox()
    mkdirSync(join(box, 'real'))
    symlinkSync('real', join(box, 'svc'))
    const r = await cli(['svc', '--yes'], box, join(box, '.home'))
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain(`svc is a symbolic link to ${join(box, 'real')}: the files go there`)
    expect(existsSync(join(box, 'real', 'Dockerfile'))).toBe(true)
    expect(lstatSync(join(box, 'svc')).isSymbolicLink()).toBe(true)
  })

  it('a dangling link as the target: exit 1, and the folder it names is not created', async () => {
    const box = sandbox()
    symlinkSync('nowhere', join(box, 'svc'))
    const r = await cli(['svc', '--yes'], box, join(box, '.home'))
    expect(r.exitCode, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/dangling/)
    expect(existsSync(join(box, 'nowhere'))).toBe(false)
  })

  it('a non-empty folder that is no app is refused for a new service unless --force', async () => {
    const box = sandbox()
    const home = join(box, '.home')
    put(box, { 'notes/todo.txt': 'buy milk\n', 'notes/ideas/a.md': '# a\n' })
    const before = tree(join(box, 'notes'))
    const r = await cli(['notes', '--yes'], box, home)
    expect(r.exitCode, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/notes is not empty \(ideas, todo\.txt\).*Nothing was written.*--force/s)
    expect(tree(join(box, 'notes'))).toEqual(before)
    const forced = await cli(['notes', '--yes', '--force'], box, home)
    expect(forced.exitCode, forced.stderr).toBe(0)
    expect(readFileSync(join(box, 'notes/todo.txt'), 'utf8')).toBe('buy milk\n')
    expect(existsSync(join(box, 'notes/Dockerfile'))).toBe(true)
  })

  it('a path whose parent is a file, or a `..` that leaves the target, never reaches the disk', async () => {
    const box = sandbox()
    put(box, { 'a/file': 'x' })
    const w = new FsWriter(join(box, 'a'))
    await w.write({ path: 'file/inner.txt', content: 'y' })
    expect(() => w.check()).toThrow(/file: is a file where the run needs a folder/)
    await expect(w.write({ path: '../b.txt', content: 'y' })).rejects.toThrow(WriteRefused)
    expect(tree(box)).toEqual({ '.home': 'dir', a: 'dir', 'a/file': 'x' })
  })
})

describe('item 2: a dangling symlink is never replaced', () => {
  it('compose.yaml -> missing: exit 1 (--dry-run and --on-conflict overwrite too), the link stays a link', async () => {
    const { repo, home } = repoBesideOutside()
    symlinkSync('missing', join(repo, 'compose.yaml'))
    const before = tree(repo)
    for (const extra of [[], ['--dry-run'], ['--on-conflict', 'overwrite']]) {
      const r = await cli(['.', '--yes', ...extra], repo, home)
      expect(r.exitCode, `${extra.join(' ')}: ${r.stderr}`).toBe(1)
      expect(r.stderr).toMatch(/compose\.yaml: is a symbolic link to missing, which does not exist \(dangling\); it is never followed or replaced/)
      expect(tree(repo)).toEqual(before)
    }
    expect(readlinkSync(join(repo, 'compose.yaml'))).toBe('missing')
  })
})

describe('item 4: running inside a generated project', () => {
  it('with no folder named it regenerates that project in place; a new service inside it is refused with how to update', async () => {
    const box = sandbox()
    const home = join(box, '.home')
    expect((await cli(['svc', '--yes'], box, home)).exitCode).toBe(0)
    const project = join(box, 'svc')
    const before = tree(project)
    const again = await cli(['--yes'], project, home)
    expect(again.exitCode, again.stderr).toBe(0)
    expect(tree(project)).toEqual(before)
    const nested = await cli(['other', '--yes'], join(project, 'src'), home)
    expect(nested.exitCode, nested.stderr).toBe(1)
    expect(nested.stderr).toMatch(/is inside .*svc, a project create-containerized-app generated/)
    expect(nested.stderr).toMatch(/create-containerized-app update --cwd \.\./)
    expect(tree(project)).toEqual(before)
  })
})

describe('item 8: a preset named by npm spec, for a new folder', () => {
  it('is packed in a temporary folder of its own: the new service is generated, no tarball in it, no temporary folder left', async () => {
    const box = sandbox()
    put(box, {
      'preset/package.json': JSON.stringify({ name: '@acme/preset', version: '1.0.0', files: ['containerized.config.yaml'] }),
      'preset/containerized.config.yaml': 'defaults:\n  database: postgres\n',
    })
    const packsBefore = readdirSync(tmpdir()).filter((n) => n.startsWith('cca-npm-pack-'))
    const r = await cli(['svc', '--yes', '--preset', `file:${join(box, 'preset')}`], box, join(box, '.home'))
    expect(r.exitCode, r.stderr).toBe(0)
    expect(readFileSync(join(box, 'svc/compose.yaml'), 'utf8')).toMatch(/postgres/)
    expect(Object.keys(tree(join(box, 'svc'))).filter((p) => p.endsWith('.tgz'))).toEqual([])
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('cca-npm-pack-'))).toEqual(packsBefore)
  })
})

/** System calls that fail with `code` on the `nth` call of `op`. */
function failing(op: keyof FsOps, nth: number, code: string): FsOps {
  let calls = 0
  return {
    ...SYSTEM_OPS,
    [op]: (...args: unknown[]) => {
      if (++calls === nth) throw Object.assign(new Error(`${code}: injected, ${String(args[0])}`), { code })
      return (SYSTEM_OPS[op] as (...a: unknown[]) => void)(...args)
    },
  }
}

describe('item 10: plan-then-commit, rolled back on a failure mid-way, with the real errno', () => {
  const planned = [
    { path: 'Dockerfile', content: 'FROM ours\n' },
    { path: 'deploy/helm/svc/values.yaml', content: 'a: 1\n' },
    { path: 'deploy/helm/svc/templates/deployment.yaml', content: 'kind: Deployment\n' },
    { path: 'keep.txt', content: 'new\n' },
    { path: 'compose.yaml', content: 'services: {}\n' },
  ]

  for (const [op, nth, code] of [
    ['create', 4, 'ENOSPC'],
    ['rename', 5, 'EISDIR'],
    ['mkdir', 3, 'EACCES'],
    ['create', 5, 'EROFS'],
  ] as const) {
    it(`${code} on ${op} #${nth}: the files it created are removed, the file it replaced is restored, ${code} is reported`, async () => {
      const box = sandbox()
      put(box, { 'app/keep.txt': 'theirs\n', 'app/deploy/README.md': 'theirs\n' })
      const before = tree(box)
      const w = new FsWriter(join(box, 'app'), { ops: failing(op, nth, code) })
      for (const f of planned) await w.write(f)
      const e = await w.commit().catch((err: unknown) => err)
      expect(e).toBeInstanceOf(WriteFailed)
      expect((e as WriteFailed).code).toBe(code)
      expect((e as Error).message).toMatch(new RegExp(`^${code} writing \\S+: .*(Rolled back: .*the target directory is as it was|Nothing was written)\\.$`))
      expect(tree(box)).toEqual(before)
    })
  }

  it('a folder where a file goes is refused before the first byte (EISDIR), with every other reason in one message', async () => {
    const box = sandbox()
    mkdirSync(join(box, 'app/compose.yaml'), { recursive: true })
    symlinkSync('/etc', join(box, 'app/deploy'))
    const w = new FsWriter(join(box, 'app'))
    for (const f of planned) await w.write(f)
    const before = tree(box)
    const e = await w.commit().catch((err: unknown) => err)
    expect(e).toBeInstanceOf(WriteRefused)
    expect((e as Error).message).toMatch(/compose\.yaml: is a folder where the run writes a file \(EISDIR\)/)
    expect((e as Error).message).toMatch(/deploy: is a symbolic link to \/etc; nothing is written or read through it \(the run writes deploy\/helm\/svc\/values\.yaml and 1 more below it\)/)
    expect(tree(box)).toEqual(before)
  })

  it('a killed run\'s temporary files are swept by the next run (another live run\'s stay); re-runs complete the project', async () => {
    const box = sandbox()
    const home = join(box, '.home')
    expect((await cli(['svc', '--yes', '--platform', 'kubernetes'], box, home)).exitCode).toBe(0)
    const project = join(box, 'svc')
    const complete = tree(project)
    const templates = Object.keys(complete).find((p) => p.endsWith('/templates') && complete[p] === 'dir')!
    const dead = ['.compose.yaml.999999-deadbeef.cca-tmp', `${templates}/.deployment.yaml.999999-0badf00d.cca-tmp`, '.0123456789ab.cca-tmp']
    const live = `.Dockerfile.${process.pid}-cafebabe.cca-tmp`
    for (const p of [...dead, live]) writeFileSync(join(project, p), 'half a fi')
    const r = await cli(['--yes'], project, home)
    expect(r.exitCode, r.stderr).toBe(0)
    expect(tree(project)).toEqual({ ...complete, [live]: 'half a fi' })
  })
})

describe('item 10 on real filesystems (root: mounts)', () => {
  // Mounting a tmpfs and a read-only bind needs root; CI runs as root. Without it these fail
  // with the reason rather than skipping, so a green run always means they ran.
  beforeAll(() => {
    if (!isRoot) throw new Error('these tests mount a tmpfs and a read-only bind mount: run the suite as root (CI does)')
  })
  it('a full disk (a 160 KiB tmpfs): ENOSPC reported, the new service rolled back, the disk as it was', async () => {
    const box = sandbox()
    const small = join(box, 'small')
    mkdirSync(small)
    mount(['-t', 'tmpfs', '-o', 'size=160k,nr_inodes=400', 'tmpfs'], small)
    try {
      put(small, { 'mine.txt': 'mine\n' })
      const r = await cli(['small/svc', '--yes', '--platform', 'kubernetes'], box, join(box, '.home'))
      expect(r.exitCode, r.stderr).toBe(1)
      expect(r.stderr).toMatch(/^error: ENOSPC writing \S+: no space left on device.*Rolled back: removed the \d+ file\(s\) and the \d+ folder\(s\) it created; the target directory is as it was\./m)
      expect(tree(small)).toEqual({ 'mine.txt': 'mine\n' })
    } finally {
      unmount(small)
    }
  })

  it('a full disk in an existing app: the files it replaced are restored', async () => {
    const box = sandbox()
    const small = join(box, 'small')
    mkdirSync(small)
    mount(['-t', 'tmpfs', '-o', 'size=96k', 'tmpfs'], small)
    try {
      put(small, { ...EXPRESS_APP, 'compose.yaml': 'services: {}\n', 'Dockerfile': 'FROM theirs\n' })
      const before = tree(small)
      const r = await cli(['.', '--yes', '--on-conflict', 'overwrite', '--platform', 'kubernetes'], small, join(box, '.home'))
      expect(r.exitCode, r.stderr).toBe(1)
      expect(r.stderr).toMatch(/ENOSPC/)
      expect(tree(small)).toEqual(before)
    } finally {
      unmount(small)
    }
  })

  it('a read-only mount is reported as EROFS (not ENOENT), for a new service and for an existing app; nothing is written', async () => {
    const box = sandbox()
    const src = join(box, 'src')
    const ro = join(box, 'ro')
    put(src, { 'app/package.json': EXPRESS_APP['package.json']!, 'app/index.js': EXPRESS_APP['index.js']! })
    mkdirSync(ro)
    mount(['--bind', src], ro)
    try {
      remountReadOnly(ro)
      const before = tree(src)
      const fresh = await cli(['ro/svc', '--yes'], box, join(box, '.home'))
      expect(fresh.exitCode, fresh.stderr).toBe(1)
      expect(fresh.stderr).toMatch(/EROFS/)
      expect(fresh.stderr).not.toMatch(/ENOENT/)
      const existing = await cli(['.', '--yes'], join(ro, 'app'), join(box, '.home'))
      expect(existing.exitCode, existing.stderr).toBe(1)
      expect(existing.stderr).toMatch(/EROFS/)
      expect(existing.stderr).not.toMatch(/ENOENT/)
      expect(tree(src)).toEqual(before)
    } finally {
      unmount(ro)
    }
  })
})
