// `npm run demo`: generates a full project with the default answers into demo/my-service,
// the way a user's `npx create-containerized-app my-service --yes` would.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const r = spawnSync(process.execPath, ['bin/create-containerized-app.js', 'demo/my-service', '--yes', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
})
process.exitCode = r.status ?? 1
