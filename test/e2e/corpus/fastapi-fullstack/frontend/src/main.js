const api = import.meta.env.VITE_API_URL ?? 'http://localhost:8000'
fetch(`${api}/api/v1/utils/health-check/`)
  .then((r) => r.json())
  .then((ok) => {
    document.getElementById('root').textContent = ok ? 'Backend is up' : 'Backend is down'
  })
