const root = document.getElementById('root')
fetch(`${import.meta.env.VITE_API_URL ?? 'http://localhost:3001'}/status`)
  .then((res) => res.json())
  .then((body) => {
    root.textContent = body.ok ? 'API is up' : 'API is down'
  })
