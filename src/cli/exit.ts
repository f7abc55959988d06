/**
 * Exit codes of every command. `check` adds 3: compliant, but an update is available. 130 (128 +
 * SIGINT) when the user interrupts, at a prompt (Ctrl-C, Escape) as by the signal itself.
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2, updateAvailable: 3, interrupted: 130 } as const
