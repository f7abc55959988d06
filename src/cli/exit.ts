/** Exit codes of every command. `check` adds 3: compliant, but an update is available. */
export const EXIT = { ok: 0, failed: 1, badInput: 2, updateAvailable: 3 } as const
