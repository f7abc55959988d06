async function render() {
  const list = document.getElementById('tasks')
  const tasks = await fetch('/api/tasks').then((r) => (r.ok ? r.json() : []))
  for (const t of tasks ?? []) {
    const li = document.createElement('li')
    li.textContent = `${t.done ? '✓' : '○'} ${t.title}`
    list.append(li)
  }
}

render()
