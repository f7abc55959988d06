export interface E2ECase {
  id: string
  flags: string[]
  /** The port the app listens on in the container. */
  port: number
  /** The image the prod stage starts from (its size is subtracted for the bench). */
  runtime: string
  /**
   * An existing app to retrofit instead of a generated starter: its files, and the commands
   * that lock its dependencies (run in its folder before the CLI, against the real registries).
   */
  retrofit?: { files: Record<string, string>; prepare: string[][] }
  /** Rebuild after a source-only change, and run the Compose stack. */
  full?: {
    /** The source file the rebuild test edits, and how a comment starts in it. */
    edit: string
    comment: string
    /**
     * Dependencies compile inside the app's build step, kept warm by a cache mount (Cargo), so
     * the proof of caching is what that step compiles again, not a cached step.
     */
    cacheMountedDeps?: boolean
  }
}
export const CASES: E2ECase[]
export const DEPENDENCY_STEP: RegExp
export const FORBIDDEN_IN_RUNTIME: RegExp[]
