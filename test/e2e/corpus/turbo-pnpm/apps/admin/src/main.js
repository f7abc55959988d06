const root = document.getElementById('root')
const res = await fetch(`${import.meta.env.VITE_API_URL ?? 'http://localhost:3001'}/status`)
root.textContent = (await res.json()).ok ? 'API is up' : 'API is down'
