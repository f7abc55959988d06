import { SEVERITIES, type Severity } from '../config/types.js'

/** Without a policy the scan fails on HIGH and CRITICAL findings. */
export const DEFAULT_FAIL_ON: Severity = 'HIGH'

/** The severities a scan must fail on: CRITICAL down to `failOn`, most severe first (`CRITICAL,HIGH`). */
export function scanSeverities(failOn: Severity = DEFAULT_FAIL_ON): Severity[] {
  const at = SEVERITIES.indexOf(failOn)
  if (at === -1) throw new Error(`policy scan.failOn: ${JSON.stringify(failOn)} is not one of ${SEVERITIES.join(', ')}`)
  return SEVERITIES.slice(0, at + 1)
}
