// Preloaded by `npm run bench` (node -r) into every process it compares: on exit, appends the
// process's CPU time (user + system, all threads, microseconds) to the file CCA_CPU_OUT names.
// The same hook in each process, so the comparison is fair; the figure is exact, unlike
// `time`'s 10 ms ticks.
'use strict'
const { appendFileSync } = require('node:fs')

process.on('exit', () => {
  const { user, system } = process.cpuUsage()
  appendFileSync(process.env.CCA_CPU_OUT, `${user + system}\n`)
})
