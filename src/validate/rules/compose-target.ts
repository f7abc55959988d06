/**
 * A Compose `build.target` must be a stage of the Dockerfile it builds. Compose files written for
 * one Dockerfile (dev, test and prod stages) fail at `docker compose up` against another: the
 * user's own, kept beside a generated one, usually has no such stages.
 */
import { posix } from 'node:path'
import { builtDockerfile, composeRule, inFolder, project, servicesOf, yamlLine } from './compose.js'
import { parseDockerfile } from './dockerfile.js'

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export const buildTargetMissing = composeRule(
  'compose-build-target-missing',
  'error',
  "A Compose build.target names a stage of the Dockerfile it builds (build.dockerfile, or the context's Dockerfile).",
  (p, report) => {
    for (const folder of p.folders) {
      for (const file of folder.files) {
        for (const name of Object.keys(servicesOf(file))) {
          const svc = inFolder(p, folder, file, name)
          const built = svc && builtDockerfile(p, svc)
          if (!built?.target) continue
          const stages = parseDockerfile(built.text).stages.flatMap((s) => (s.name ? [s.name] : []))
          if (stages.includes(built.target.toLowerCase())) continue
          // Reported where the target is written: this file, or the base it inherits it from.
          const own = servicesOf(file)[name]
          const at = isObj(own) && isObj(own.build) && own.build.target !== undefined ? file : (folder.base ?? file)
          const where = built.path ? posix.relative(folder.base?.dir ?? file.dir, built.path) || built.path : 'the inline Dockerfile'
          report(
            at,
            yamlLine(at.doc, at.lines, ['services', name, 'build', 'target']),
            `service "${name}" builds target "${built.target}", which ${where} does not have (its stages: ${stages.length ? stages.join(', ') : 'none named'})`,
            `Build one of its stages, add a stage named ${built.target} to it, or point build.dockerfile at a Dockerfile that has it (Dockerfile.generated, when create-containerized-app wrote one beside yours).`,
          )
        }
      }
    }
  },
)
