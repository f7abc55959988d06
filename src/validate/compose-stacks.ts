/**
 * Which Compose files are read together, as Compose and the people who run it read them. A
 * folder may hold several stacks: an app's own `docker-compose.yml` with its
 * `docker-compose.dev.yml`, and beside it the generated `compose.yaml` with its override, test
 * and prod files, or a generated `compose.app.yaml` family beside the app's own `compose.yaml`.
 * A file checked against the wrong stack reports what no command ever runs.
 */

/** The base `docker compose` picks in a folder, first found wins (compose-go's order). */
export const DEFAULT_BASES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const
/** The override it adds to that base, whatever the base is called, first found wins. */
export const DEFAULT_OVERRIDES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'] as const

export interface Stack {
  /** The file the others are laid over; undefined for files with no base in their folder. */
  base: string | undefined
  /** Each file that is given with `-f <base> -f <it>`, in name order. */
  layers: string[]
}

const stem = (name: string) => name.replace(/\.ya?ml$/i, '')
const isDefaultBase = (name: string) => (DEFAULT_BASES as readonly string[]).includes(name)
const isDefaultOverride = (name: string) => (DEFAULT_OVERRIDES as readonly string[]).includes(name)
/** `compose.app.test.yaml` is named after `compose.app.yaml`, and `docker-compose.dev.yml` after `docker-compose.yml`. */
const namedAfter = (file: string, base: string) => file !== base && stem(file).startsWith(`${stem(base)}.`)

/**
 * The stacks of one folder's Compose files (base names). A base is a name Compose picks by
 * itself, a file others are named after, or one that names its own project (a top-level
 * `name:`, which an override does not set): `standalone` says which do. Compose's own override
 * goes over the base Compose picks; any other file over the base it is named after (the longest),
 * else over the picked one, as `-f` users lay them.
 */
export function composeStacks(names: readonly string[], standalone: (name: string) => boolean = () => false): Stack[] {
  const files = [...new Set(names)].sort()
  const bases = files.filter((f) => !isDefaultOverride(f) && (isDefaultBase(f) || standalone(f) || files.some((g) => !isDefaultBase(g) && namedAfter(g, f))))
  const picked = DEFAULT_BASES.find((b) => files.includes(b))
  const override = DEFAULT_OVERRIDES.find((o) => files.includes(o))
  const stacks = new Map<string | undefined, string[]>(bases.map((b) => [b, []]))
  for (const f of files) {
    if (bases.includes(f)) continue
    const own = bases.filter((b) => namedAfter(f, b)).sort((a, b) => stem(b).length - stem(a).length)[0]
    const base = f === override && picked ? picked : (own ?? picked ?? bases[0])
    stacks.set(base, [...(stacks.get(base) ?? []), f])
  }
  return [...stacks].map(([base, layers]) => ({ base, layers }))
}
