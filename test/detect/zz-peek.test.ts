import { it } from 'vitest'
import { detect, memoryRepo } from '../../src/detect/index.js'
import { FIXTURES } from './fixtures.js'
import { BLIND_FIXTURES } from './blind-fixtures.js'
it('peek', () => {
for (const fx of [...FIXTURES, ...BLIND_FIXTURES]) {
  const d = detect(memoryRepo(fx.files), { rootName: fx.rootName })
  for (const s of d.services) { const a = s.app; console.log(fx.id, s.dir, s.database.value, s.cache.value, JSON.stringify({db: a.databaseEnv, c: a.cacheEnv, p: a.portEnv, h: a.hostEnv, r: a.requiredEnv?.map(v=>`${v.name}=${v.devValue}${v.secret?'*':''}`), e: a.nodeEntry, i: a.installFiles})) }
}
})
