/**
 * Whether each BuildKit cache mount of the generated Dockerfiles may have two writers at once.
 *
 * BuildKit runs independent stages in parallel (deps and prod-deps, the web UI, dev tools) and
 * shares a cache mount by its id (the target path unless set) with every build on the same
 * daemon: compose builds of several targets, a multi-platform build, another project. `shared`
 * is right only where the tool itself makes concurrent writers safe, with atomic renames or
 * with locks that live inside the mounted folder; a lock file anywhere else (the image's own
 * layer, /tmp) coordinates nothing between two builds. `locked` makes BuildKit hand the mount to
 * one RUN at a time: the parallel stages then wait for each other, which costs seconds, not
 * correctness.
 *
 * Each decision names its source, so it can be checked again when a tool changes.
 */
export type CacheSharing = 'shared' | 'locked'

export interface CacheMountDecision {
  sharing: CacheSharing
  /** Why, with the tool's own documentation or source. */
  source: string
}

export const CACHE_MOUNTS: Readonly<Record<string, CacheMountDecision>> = {
  // ---- Node.js
  '/root/.npm': {
    sharing: 'shared',
    source:
      "npm's cache is cacache: content written to a temporary file and renamed into place, verified on read; its README: 'Lockless, high-concurrency cache access', 'Fault tolerance (immune to corruption, partial writes, process races, etc)'.",
  },
  '/root/.local/share/pnpm/store': {
    sharing: 'shared',
    source:
      "pnpm's content-addressable store writes each file to a temporary path beside it and renames it (store/cafs writeBufferToCafs), checking its integrity before reuse; pnpm.io/docker shares one store cache mount between the prod-deps and build stages, which run in parallel.",
  },
  '/root/.cache/yarn': {
    sharing: 'locked',
    source:
      "Yarn Berry (packages/yarnpkg-core/sources/Cache.ts) fetches an archive into os.tmpdir() and moves it into the cache ('Doing a move is important to ensure atomic writes (todo: cross-drive?)'): from /tmp to a cache mount the move is a copy, and another install that finds the file validates a half-copied zip.",
  },
  '/usr/local/share/.cache/yarn': {
    sharing: 'locked',
    source:
      "Yarn 1 has no cache lock (yarnpkg/yarn#4102, 'Lock cache before making changes', open): concurrent installs fail with 'Extracting tar content of undefined failed, the file appears to be corrupt' (yarnpkg/yarn#7087), as this tool's container tier did.",
  },
  '/root/.bun/install/cache': {
    sharing: 'locked',
    source:
      "Bun does not document its install cache as safe for concurrent installs, and its tracker has open shared-cache races: a cache entry is published in two steps, data folder then version-index symlink (oven-sh/bun#36167), and a losing install can move the winner's entry away (oven-sh/bun#33884, #36229).",
  },
  // ---- Python
  '/root/.cache/uv': {
    sharing: 'shared',
    source:
      "uv's documentation (Caching, 'Cache safety'): 'uv's cache is designed to be thread-safe and append-only, and thus robust to multiple concurrent readers and writers.'",
  },
  '/root/.cache/pip': {
    sharing: 'locked',
    source:
      "pip's HTTP cache writes atomically (network/cache.py: adjacent_tmp_file, replace), but its wheel cache does not: wheel_builder builds in a TempDirectory and shutil.move()s the wheel into the cache, a copy when /tmp and the cache mount are different filesystems, and another install can pick up the half-written wheel.",
  },
  '/root/.cache/pypoetry': {
    sharing: 'locked',
    source:
      "Poetry's artifact cache is not safe for simultaneous installs: 'Invalid hashes when running multiple Poetry installs simultaneously' with a shared cache in Docker (python-poetry/poetry#5142) and 'Package installation fail during parallel poetry runs' (python-poetry/poetry#7370, open).",
  },
  '/root/.cache': {
    sharing: 'locked',
    source: "Pipenv's cache folder holds pip's cache (see /root/.cache/pip: its wheel cache is written in place) beside Pipenv's own, which documents no concurrent use.",
  },
  // ---- Go
  '/go/pkg/mod': {
    sharing: 'shared',
    source:
      "cmd/go guards the download and extraction of each module version with a lock file inside the module cache (modfetch/cache.go, lockVersion: lockedfile.MutexAt), so the lock is shared with the mount.",
  },
  '/root/.cache/go-build': {
    sharing: 'shared',
    source:
      "cmd/go/internal/cache (Open): 'It is safe for multiple processes on a single machine to use the same cache directory in a local file system simultaneously. They will coordinate using operating system file locks'; a cache mount is a local folder of the BuildKit host.",
  },
  // ---- Rust
  '/usr/local/cargo/registry': {
    sharing: 'locked',
    source:
      "Cargo coordinates cargos with lock files at the root of CARGO_HOME (util/cache_lock.rs: '.package-cache', '.package-cache-mutate', opened with home().open_rw_exclusive_create): /usr/local/cargo/.package-cache is outside this mount, in each build's own layer, so two builds never see each other's lock.",
  },
  '/usr/local/cargo/git': {
    sharing: 'locked',
    source: 'Guarded by the same CARGO_HOME lock files as the registry (util/cache_lock.rs), which sit outside this mount.',
  },
  '/app/target': {
    sharing: 'locked',
    source:
      "Cargo's build-directory lock is inside target/, but it is released when cargo exits and the same RUN then copies the binary out of target/: another build (another project, the same arch) could rewrite it in between.",
  },
  // ---- Java
  '/root/.m2': {
    sharing: 'locked',
    source:
      "Maven Resolver's default named locks are JVM-local ('they properly coordinate in case of multithreaded access from same JVM, but do not cover accesses across multiple processes', maven.apache.org/resolver maven-resolver-named-locks); cross-process locking needs the file-lock factory to be configured. The Maven wrapper's distribution download under ~/.m2/wrapper has no lock at all.",
  },
  '/home/gradle/.gradle': {
    sharing: 'locked',
    source:
      "Gradle's cross-process cache locks are released on request over UDP to the owner's localhost port (the PID in the lock file is only for the message): each RUN has its own network namespace, so a second build waits for the lock timeout and fails ('Timeout waiting to lock ... It is currently in use by another Gradle instance'); Gradle's answer for concurrent containers is a read-only dependency cache (userguide/dependency_caching.html#sec:shared-readonly-cache).",
  },
  // ---- .NET (the mounts set id=, which is what BuildKit shares; the keys are their targets)
  '/root/.nuget/packages': {
    sharing: 'locked',
    source:
      "NuGet extracts into the global packages folder under its own file locks (NuGet.Common ConcurrencyUtilities.ExecuteWithFileLocked), kept in <NuGet's temp folder>/lock (Path.Combine(NuGetEnvironment.GetFolderPath(NuGetFolderPath.Temp), \"lock\")): /tmp of each build, never the mount, so two builds extract the same package at once.",
  },
  '/var/cache/nuget-http': {
    sharing: 'locked',
    source: 'NuGet guards its HTTP cache files with the same ConcurrencyUtilities locks, kept outside the mount.',
  },
  // ---- Ruby
  '/usr/local/bundle/cache': {
    sharing: 'locked',
    source:
      "Bundler skips a download when the .gem file exists ('return if File.exist? local_gem_path', rubygems_integration.rb download_gem) and writes it in place (Gem.write_binary, File.binwrite): another install reads a half-written .gem.",
  },
  '/var/cache/apt': {
    sharing: 'locked',
    source:
      "Dockerfile reference (RUN --mount=type=cache, apt example): 'Apt needs exclusive access to its data, so the caches use the option sharing=locked, which will make sure multiple parallel builds using the same cache mount will wait for each other'.",
  },
  '/var/lib/apt/lists': {
    sharing: 'locked',
    source: 'The same Dockerfile reference example: apt needs exclusive access to its package lists too.',
  },
  // ---- PHP
  '/root/.cache/composer': {
    sharing: 'locked',
    source:
      "Composer's Cache::write renames a temporary file into place, but Cache::copyFrom, which stores every downloaded archive, copy()s it in place: another install's Cache::copyTo can take a half-written zip.",
  },
}

/** The decision for a cache mount target; every target a template uses has one (the Dockerfile tests check it). */
export function cacheSharing(target: string): CacheSharing {
  const decision = CACHE_MOUNTS[target]
  if (!decision) throw new Error(`no cache sharing decision for ${target} (add it to CACHE_MOUNTS, with its source)`)
  return decision.sharing
}

/** A package manager's cache folder with its sharing, for the registry entries. */
export function cacheOf(target: string): { cacheDir: string; cacheSharing?: 'locked' } {
  return cacheSharing(target) === 'locked' ? { cacheDir: target, cacheSharing: 'locked' } : { cacheDir: target }
}

/** `target=<folder>[,sharing=locked]`, the options of a `--mount=type=cache` built in code. */
export function cacheMountOptions(target: string): string {
  return `target=${target}${cacheSharing(target) === 'locked' ? ',sharing=locked' : ''}`
}
