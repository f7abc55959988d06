# Poetry reads package links from PyPI's per-release JSON API (/pypi/NAME/VERSION/json), which
# this machine's PyPI access does not serve (the project-wide /pypi/NAME/json and the simple
# index work). Loaded as sitecustomize by the Python starter-app suite and by the e2e tier's
# Python stand-in image only: it answers the per-release request from the project-wide document.
# The lockfile, its hashes and the install are Poetry's own; against pypi.org itself the
# request succeeds and this does nothing.
try:
    from urllib.parse import urljoin
    from poetry.repositories.pypi_repository import PyPiRepository
except Exception:
    pass
else:
    _get = PyPiRepository._get

    def _release_from_project(self, endpoint, headers=None):
        data = _get(self, endpoint) if headers is None else _get(self, endpoint, headers)
        parts = endpoint.strip('/').split('/')
        if data is None and len(parts) == 4 and parts[0] == 'pypi' and parts[3] == 'json':
            whole = _get(self, f'pypi/{parts[1]}/json')
            if whole and parts[2] in whole.get('releases', {}):
                base = self._base_url + f'pypi/{parts[1]}/json'
                urls = [dict(f, url=urljoin(base, f['url'])) for f in whole['releases'][parts[2]]]
                data = {'info': dict(whole['info'], version=parts[2]), 'urls': urls, 'last_serial': whole.get('last_serial')}
        return data

    PyPiRepository._get = _release_from_project
