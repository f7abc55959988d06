/**
 * The hosts a setting connects to: the host of each URL (`postgres://u:p@postgres:5432/app`,
 * several for `mongodb://a:27017,b:27017`), or the whole value of a `*_HOST` setting. Only
 * one-label names are service names; `db.example.com` is outside.
 */
export function connectionHosts(name: string, value: string): string[] {
  const hosts: string[] = []
  for (const m of value.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([^/?#\s]+)/gi)) {
    for (const hp of m[1]!.split(',')) hosts.push(hp.startsWith('[') ? hp : hp.replace(/:[^:]*$/, ''))
  }
  if (hosts.length === 0 && /_HOST(NAME)?$/.test(name)) hosts.push(value.trim())
  return hosts.filter((h) => /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/i.test(h) && !/^\d+$/.test(h) && h.toLowerCase() !== 'localhost')
}
