/**
 * The generated Compose files of a service, named after their base: `compose.yaml` with
 * `compose.override.yaml`, `compose.test.yaml` and `compose.prod.yaml`, which `docker compose`
 * finds by itself; or, beside Compose files the app keeps as its own, another base
 * (`compose.app.yaml`) and its family, which every command gives with `-f` and which leave what
 * a plain `docker compose up` runs for the app's files unchanged.
 */
export interface ComposeFiles {
  base: string
  /** Development: the dev target, bind ports on localhost, watch. */
  override: string
  test: string
  prod: string
}

export const DEFAULT_COMPOSE_FILE = 'compose.yaml'

export function composeFiles(base: string = DEFAULT_COMPOSE_FILE): ComposeFiles {
  const stem = base.replace(/\.ya?ml$/, '')
  return { base, override: `${stem}.override.yaml`, test: `${stem}.test.yaml`, prod: `${stem}.prod.yaml` }
}

/** `docker compose` with the files each environment reads: none named for the default family's dev run. */
export function composeCommands(files: ComposeFiles): { dev: string; test: string; prod: string } {
  const given = (...names: string[]) => `docker compose ${names.map((n) => `-f ${n}`).join(' ')}`
  return {
    dev: files.base === DEFAULT_COMPOSE_FILE ? 'docker compose' : given(files.base, files.override),
    test: given(files.base, files.test),
    prod: given(files.base, files.prod),
  }
}
