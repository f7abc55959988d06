import { describe, expect, it } from 'vitest'
import { codes, expectEvidence, expectNote, json, run, service } from './helpers.js'

const vitePkg = (name: string, pm?: string) => json({ name, private: true, ...(pm ? { packageManager: pm } : {}), scripts: { dev: 'vite', build: 'vite build' }, dependencies: { react: '19.1.0', 'react-dom': '19.1.0' }, devDependencies: { vite: '7.0.0' } })

describe('a server with its web UI in a sub-folder is one service', () => {
  it('Go: `//go:embed all:ui/dist` (pnpm UI)', () => {
    const d = run({
      'go.mod': 'module github.com/acme/board\n\ngo 1.25\n',
      'main.go': 'package main\n\nimport "embed"\n\n//go:embed all:ui/dist\nvar assets embed.FS\n\nfunc main() { http.ListenAndServe(":8080", http.FileServerFS(assets)) }\n',
      'ui/package.json': vitePkg('board-ui'),
      'ui/pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'ui/vite.config.ts': 'export default defineConfig({ plugins: [react()] })\n',
      'ui/src/main.tsx': "fetch('http://localhost:8080/api')\n",
    })
    expect(d.services.map((s) => s.dir)).toEqual(['.'])
    const s = service(d)
    expect(s.app.ui).toEqual({ dir: 'ui', packageManager: 'pnpm', installFiles: ['package.json', 'pnpm-lock.yaml'], script: 'build', output: 'ui/dist', embedded: true })
    expectNote(s, 'ui/package.json', /the web UI the server serves \(main\.go: reads ui\/dist\)/)
    expect(d.skipped).toContainEqual({ dir: 'ui', reason: 'the web UI of the root service, built into its image' })
    // The UI's code is not the server's: no localhost warning from its fetch call.
    expect(codes(s)).not.toContain('localhost-binding')
  })

  it('Go: `http.Dir("./web/build")` with a vite build.outDir', () => {
    const s = service(
      run({
        'go.mod': 'module x/srv\n\ngo 1.25\n',
        'main.go': 'package main\n\nfunc main() {\n\thttp.Handle("/", http.FileServer(http.Dir("./web/build")))\n\thttp.ListenAndServe(":9000", nil)\n}\n',
        'web/package.json': vitePkg('web'),
        'web/package-lock.json': '{}',
        'web/vite.config.js': "export default { build: { outDir: 'build' } }\n",
      }),
    )
    expect(s.app.ui).toMatchObject({ dir: 'web', packageManager: 'npm', output: 'web/build' })
    // Served from the disk at run time: the prod image must carry it.
    expect(s.app.ui?.embedded).toBeUndefined()
    expectNote(s, 'web/package.json', /main\.go: reads web\/build/)
  })

  it('FastAPI: `StaticFiles(directory="frontend/dist")`', () => {
    const d = run({
      'pyproject.toml': '[project]\nname = "notes"\ndependencies = ["fastapi"]\n',
      'uv.lock': '',
      'app/main.py': 'from fastapi import FastAPI\nfrom fastapi.staticfiles import StaticFiles\napp = FastAPI()\napp.mount("/", StaticFiles(directory="frontend/dist", html=True), name="ui")\n',
      'frontend/package.json': vitePkg('notes-ui'),
      'frontend/yarn.lock': '# yarn lockfile v1\n',
    })
    expect(d.services.map((s) => s.dir)).toEqual(['.'])
    expect(service(d).app.ui).toEqual({ dir: 'frontend', packageManager: 'yarn-classic', installFiles: ['package.json', 'yarn.lock'], script: 'build', output: 'frontend/dist' })
    expectNote(service(d), 'frontend/package.json', /app\/main\.py: reads frontend\/dist/)
  })

  it("Flask: static_folder='webapp/dist'", () => {
    const s = service(
      run({
        'requirements.txt': 'flask==3 --hash=sha256:a\n',
        'requirements-dev.txt': '',
        'app.py': "from flask import Flask\napp = Flask(__name__, static_folder='webapp/dist', static_url_path='')\n",
        'webapp/package.json': vitePkg('webapp'),
        'webapp/package-lock.json': '{}',
      }),
    )
    expect(s.app.ui).toMatchObject({ dir: 'webapp', output: 'webapp/dist' })
    expectNote(s, 'webapp/package.json', /app\.py: reads webapp\/dist/)
  })

  it('Rust: `ServeDir::new("ui/dist")`', () => {
    const d = run({
      'Cargo.toml': '[package]\nname = "kv"\n\n[dependencies]\naxum = "0.8"\ntower-http = { version = "0.6", features = ["fs"] }\n',
      'Cargo.lock': '',
      'src/main.rs': 'let app = Router::new().fallback_service(ServeDir::new("ui/dist"));\nlet listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();\n',
      'ui/package.json': vitePkg('kv-ui'),
      'ui/bun.lock': '{}',
    })
    expect(d.services.map((s) => s.dir)).toEqual(['.'])
    expect(service(d).app.ui).toMatchObject({ dir: 'ui', packageManager: 'bun', installFiles: ['package.json', 'bun.lock'], output: 'ui/dist' })
  })

  it('Rust: `#[derive(RustEmbed)] #[folder = "web/dist/"]` is embedded: the binary carries the UI', () => {
    const d = run({
      'Cargo.toml': '[package]\nname = "kv"\n\n[dependencies]\naxum = "0.8"\nrust-embed = "8"\n',
      'Cargo.lock': '',
      'src/main.rs': '#[derive(RustEmbed)]\n#[folder = "web/dist/"]\nstruct Assets;\nfn main() { let listener = tokio::net::TcpListener::bind("0.0.0.0:3000"); }\n',
      'web/package.json': vitePkg('kv-web'),
      'web/package-lock.json': '{}',
    })
    expect(service(d).app.ui).toMatchObject({ dir: 'web', output: 'web/dist', embedded: true })
    expectNote(service(d), 'web/package.json', /main\.rs: reads web\/dist/)
  })

  it("Express: `express.static(path.join(__dirname, 'client', 'build'))` with a react-scripts client", () => {
    const d = run({
      'package.json': json({ name: 'mern', scripts: { start: 'node server.js' }, dependencies: { express: '4.21.0', mongoose: '8.0.0' } }),
      'package-lock.json': '{}',
      'server.js': "app.use(express.static(path.join(__dirname, 'client', 'build')))\napp.listen(process.env.PORT || 5000)\n",
      'client/package.json': json({ name: 'client', scripts: { start: 'react-scripts start', build: 'react-scripts build' }, dependencies: { react: '18.0.0', 'react-scripts': '5.0.1' } }),
      'client/package-lock.json': '{}',
    })
    expect(d.services.map((s) => s.dir)).toEqual(['.'])
    const s = service(d)
    expect(s.app.ui).toMatchObject({ dir: 'client', packageManager: 'npm', output: 'client/build' })
    expectNote(s, 'client/package.json', /server\.js: reads client\/build/)
    expect(s.port?.value).toBe(5000)
  })

  it('a UI folder inside the server that its code does not name is still folded in, with a note', () => {
    const s = service(
      run({
        'go.mod': 'module x/srv\n\ngo 1.25\n',
        'main.go': 'package main\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
        'frontend/package.json': vitePkg('fe'),
        'frontend/package-lock.json': '{}',
      }),
    )
    expect(s.app.ui?.dir).toBe('frontend')
    expectNote(s, 'frontend/package.json', /a web UI inside the server's folder that its code does not name.*--service frontend/)
  })

  it("Django with a theme folder's Tailwind build (django-tailwind's theme/static_src)", () => {
    const d = run({
      'requirements.txt': 'django==5 --hash=sha256:a\n',
      'requirements-dev.txt': '',
      'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n',
      'site/settings.py': "INSTALLED_APPS = ['tailwind', 'theme']\n",
      'site/wsgi.py': 'application = get_wsgi_application()\n',
      'theme/static_src/package.json': json({ name: 'theme', scripts: { build: 'tailwindcss -i ./src/styles.css -o ../static/css/dist/styles.css --minify' }, devDependencies: { tailwindcss: '4.0.0', '@tailwindcss/cli': '4.0.0' } }),
      'theme/static_src/package-lock.json': '{}',
    })
    expect(d.services.map((s) => s.dir)).toEqual(['.'])
    expect(service(d).app.ui).toMatchObject({ dir: 'theme/static_src', script: 'build', output: 'theme/static/css/dist' })
  })

  it('--service names the UI folder: it is a service of its own', () => {
    const d = run(
      {
        'go.mod': 'module x/srv\n\ngo 1.25\n',
        'main.go': 'package main\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
        'frontend/package.json': vitePkg('fe'),
        'frontend/package-lock.json': '{}',
      },
      { include: ['frontend'] },
    )
    expect(d.services.map((s) => s.dir)).toEqual(['.', 'frontend'])
    expect(service(d).app.ui).toBeUndefined()
  })
})

describe('helper binaries are not services', () => {
  it('Cargo workspace: migration and cli crates beside the axum api', () => {
    const d = run({
      'Cargo.toml': '[workspace]\nmembers = ["api", "migration", "cli"]\n',
      'Cargo.lock': '',
      'api/Cargo.toml': '[package]\nname = "api"\n\n[dependencies]\naxum = "0.8"\nsea-orm = { version = "1", features = ["sqlx-postgres"] }\n',
      'api/src/main.rs': 'let listener = tokio::net::TcpListener::bind("0.0.0.0:8000").await.unwrap();\n',
      'migration/Cargo.toml': '[package]\nname = "migration"\n\n[dependencies]\nsea-orm-migration = "1"\n',
      'migration/src/main.rs': 'fn main() { cli::run_cli(migration::Migrator) }\n',
      'cli/Cargo.toml': '[package]\nname = "admin-cli"\n\n[dependencies]\nclap = "4"\n',
      'cli/src/main.rs': 'fn main() {}\n',
    })
    expect(d.services.map((s) => s.dir)).toEqual(['api'])
    expect(d.skipped).toContainEqual({ dir: 'migration', reason: expect.stringMatching(/^a helper binary of the Cargo workspace/) })
    expect(d.skipped).toContainEqual({ dir: 'cli', reason: expect.stringMatching(/^a helper binary of the Cargo workspace/) })
  })

  it("Go: cmd/podcli beside cmd/podinfo is a helper; the server's package is built", () => {
    const s = service(
      run({
        'go.mod': 'module github.com/acme/podinfo\n\ngo 1.25\n',
        'cmd/podinfo/main.go': 'package main\n\nfunc main() { srv.ListenAndServe() }\n',
        'cmd/podcli/main.go': 'package main\n\nfunc main() { rootCmd.Execute() }\n',
        'cmd/migrate/main.go': 'package main\n\nfunc main() { m.Up() }\n',
      }),
    )
    expect(s.app.mainPackage).toBe('./cmd/podinfo')
    expect(codes(s)).not.toContain('several-entry-points')
    expectNote(s, 'go.mod', /^\.\/cmd\/migrate, \.\/cmd\/podcli: helper binaries \(no HTTP server\), not services/)
  })

  it('Go: a worker beside the API is another entry point, still warned about', () => {
    const s = service(
      run({
        'go.mod': 'module x/shop\n\ngo 1.25\n',
        'cmd/api/main.go': 'package main\n\nfunc main() { r.Run(os.Getenv("ADDR")) }\n',
        'cmd/worker/main.go': 'package main\n\nfunc main() { for { consume() } }\n',
      }),
    )
    expect(codes(s)).toContain('several-entry-points')
  })
})

describe('a .NET solution: each web project is a service, built from the solution folder', () => {
  const eshop = {
    'eShopOnWeb.sln': 'Microsoft Visual Studio Solution File\n',
    'global.json': json({ sdk: { version: '10.0.100' } }),
    'Directory.Packages.props': '<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n',
    'src/Web/Web.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <ItemGroup>\n    <PackageReference Include="Microsoft.EntityFrameworkCore.SqlServer" />\n    <ProjectReference Include="..\\Infrastructure\\Infrastructure.csproj" />\n  </ItemGroup>\n</Project>\n',
    'src/Web/Program.cs': 'var app = WebApplication.Create(args);\napp.MapHealthChecks("/health");\napp.Run();\n',
    'src/Web/Dockerfile': 'FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nCOPY . .\n',
    'src/PublicApi/PublicApi.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <ItemGroup>\n    <ProjectReference Include="..\\Infrastructure\\Infrastructure.csproj" />\n  </ItemGroup>\n</Project>\n',
    'src/PublicApi/Program.cs': 'var app = WebApplication.Create(args);\napp.Run();\n',
    'src/PublicApi/Dockerfile': 'FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nEXPOSE 80\n',
    'src/Infrastructure/Infrastructure.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="Microsoft.EntityFrameworkCore.SqlServer" />\n  </ItemGroup>\n</Project>\n',
    'tests/FunctionalTests/FunctionalTests.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="xunit" />\n    <ProjectReference Include="..\\..\\src\\Web\\Web.csproj" />\n  </ItemGroup>\n</Project>\n',
    'docker-compose.yml': "services:\n  eshopwebmvc:\n    build:\n      context: .\n      dockerfile: src/Web/Dockerfile\n    depends_on:\n      - sqlserver\n  eshoppublicapi:\n    build:\n      context: .\n      dockerfile: src/PublicApi/Dockerfile\n    depends_on:\n      - sqlserver\n  sqlserver:\n    image: mcr.microsoft.com/azure-sql-edge\n    ports:\n      - '1433:1433'\n",
    'docker-compose.override.yml': "services:\n  eshopwebmvc:\n    environment:\n      - ASPNETCORE_URLS=http://+:8080\n    ports:\n      - '5106:8080'\n  eshoppublicapi:\n    ports:\n      - '5200:8080'\n",
  }

  it('src/Web and src/PublicApi: build context, member folder, project paths, the app port not SQL Server\'s', () => {
    const d = run(eshop, { rootName: 'eShopOnWeb' })
    expect(d.services.map((s) => s.dir)).toEqual(['src/PublicApi', 'src/Web'])
    const web = service(d, 'src/Web')
    expect(web.app).toMatchObject({ buildContext: '../..', memberDir: 'src/Web', appProject: 'src/Web/Web.csproj', testProject: 'tests/FunctionalTests/FunctionalTests.csproj', assembly: 'Web.dll' })
    expect(web.name.value).toBe('web')
    // ASPNETCORE_HTTP_PORTS decides (the image sets it); an old Dockerfile's EXPOSE 80 does not.
    expect(web.port).toMatchObject({ value: 8080, confidence: 'medium' })
    expectEvidence(web.port?.evidence, 'src/Web/Web.csproj', /the \.NET 8\+ images listen on 8080/)
    expect(web.languageVersion?.value).toBe('10.0')
    expect(web.app.unprovided?.[0]).toMatchObject({ service: 'SQL Server', evidence: { file: 'src/Web/Web.csproj' } })
    expect(codes(web)).toContain('unprovided-service')
    const api = service(d, 'src/PublicApi')
    expect(api.app).toMatchObject({ buildContext: '../..', memberDir: 'src/PublicApi', appProject: 'src/PublicApi/PublicApi.csproj' })
    expect(api.port?.value).toBe(8080)
    // PublicApi reaches SQL Server through the Infrastructure project it references.
    expectEvidence(api.app.unprovided?.map((u) => u.evidence), 'src/Infrastructure/Infrastructure.csproj', /a project the web project references: src\/PublicApi\/PublicApi\.csproj → src\/Infrastructure\/Infrastructure\.csproj/)
    expect(d.skipped).toContainEqual({ dir: '.', reason: 'a .NET solution with several web projects: each is a service of its own, built from here' })
  })

  it('--service src/Web in a single-web-project solution builds it from the solution folder', () => {
    const files = Object.fromEntries(Object.entries(eshop).filter(([p]) => !p.startsWith('src/PublicApi/')))
    expect(run(files).services.map((s) => s.dir)).toEqual(['.'])
    const d = run(files, { include: ['src/Web'] })
    expect(d.services.map((s) => s.dir)).toContain('src/Web')
    expect(service(d, 'src/Web').app).toMatchObject({ buildContext: '../..', memberDir: 'src/Web', appProject: 'src/Web/Web.csproj' })
  })

  it('--service samples/aspnetapp: a sample folder holding a solution is an app when named', () => {
    const files = {
      'README.md': '# images\n',
      'samples/aspnetapp/aspnetapp.sln': 'Microsoft Visual Studio Solution File\n',
      'samples/aspnetapp/Dockerfile': 'FROM mcr.microsoft.com/dotnet/sdk:10.0\nEXPOSE 8080\n',
      'samples/aspnetapp/aspnetapp/aspnetapp.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
      'samples/aspnetapp/aspnetapp/Program.cs': 'var app = WebApplication.Create(args);\napp.Run();\n',
      'samples/dotnetapp/dotnetapp.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
    }
    expect(run(files).services).toEqual([])
    const d = run(files, { include: ['samples/aspnetapp'] })
    const s = service(d, 'samples/aspnetapp')
    expect(s.app).toMatchObject({ appProject: 'aspnetapp/aspnetapp.csproj', assembly: 'aspnetapp.dll' })
    expect(s.app.buildContext).toBeUndefined()
    expect(s.port?.value).toBe(8080)
  })
})

describe('workspaces: a member builds from the root with the root lockfile', () => {
  it('uv workspace (full-stack-fastapi-template): backend member, root uv.lock', () => {
    const d = run({
      'pyproject.toml': '[project]\nname = "root"\nversion = "0"\n\n[dependency-groups]\ndev = ["ruff"]\n\n[tool.uv.workspace]\nmembers = ["backend"]\n',
      'uv.lock': 'version = 1\n',
      '.python-version': '3.13\n',
      'backend/pyproject.toml': '[project]\nname = "app"\nrequires-python = ">=3.12"\ndependencies = [\n  "fastapi[standard]",\n  "psycopg[binary]",\n]\n',
      'backend/app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    })
    expect(d.services.map((s) => s.dir)).toEqual(['backend'])
    const s = service(d, 'backend')
    expect(s.packageManager).toMatchObject({ value: 'uv', confidence: 'high' })
    expectEvidence(s.packageManager?.evidence, 'uv.lock', /the workspace root's lockfile/)
    expect(s.app).toMatchObject({ buildContext: '..', memberDir: 'backend', workspacePackage: 'app', installFiles: ['pyproject.toml', 'uv.lock', 'backend/pyproject.toml'] })
    expect(codes(s)).not.toContain('no-lockfile')
    expect(codes(s)).not.toContain('missing-manifest')
    expectNote(s, 'uv.lock', /a uv workspace member: the lockfile is the root's, so the image builds from the root \(context \.\.\)/)
    expect(d.workspace?.evidence[0]).toMatchObject({ file: 'pyproject.toml', reason: expect.stringMatching(/\[tool\.uv\.workspace\] members: backend/) })
  })

  it('uv workspace with packages/* members: every member manifest is an install file', () => {
    const s = service(
      run({
        'pyproject.toml': '[tool.uv.workspace]\nmembers = [\n  "apps/*",\n  "packages/*",\n]\n',
        'uv.lock': '',
        'apps/api/pyproject.toml': '[project]\nname = "acme-api"\ndependencies = ["fastapi", "acme-core"]\n\n[tool.uv.sources]\nacme-core = { workspace = true }\n',
        'apps/api/src/acme_api/main.py': 'app = FastAPI()\n',
        'packages/core/pyproject.toml': '[project]\nname = "acme-core"\n',
      }),
      'apps/api',
    )
    expect(s.app).toMatchObject({ buildContext: '../..', memberDir: 'apps/api', workspacePackage: 'acme-api', installFiles: ['pyproject.toml', 'uv.lock', 'apps/api/pyproject.toml', 'packages/core/pyproject.toml'] })
  })

  it("Poetry: a path dependency of the root project, locked in the root's poetry.lock", () => {
    const s = service(
      run({
        'pyproject.toml': '[tool.poetry]\nname = "mono"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nservice = { path = "service", develop = true }\n',
        'poetry.lock': '',
        'service/pyproject.toml': '[tool.poetry]\nname = "service"\n\n[tool.poetry.dependencies]\nflask = "^3"\n',
        'service/service/app.py': 'app = Flask(__name__)\n',
      }),
      'service',
    )
    expect(s.packageManager).toMatchObject({ value: 'poetry', confidence: 'high' })
    expect(s.app).toMatchObject({ buildContext: '..', memberDir: 'service', workspacePackage: 'service', installFiles: ['pyproject.toml', 'poetry.lock', 'service/pyproject.toml'] })
  })

  it('Cargo workspace: crates/api with version.workspace = true builds from the root with -p; every member manifest, the root Cargo.lock', () => {
    const d = run({
      'Cargo.toml': '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\nexclude = ["crates/scratch"]\n\n[workspace.package]\nversion = "0.6.0"\nrust-version = "1.88"\n\n[workspace.dependencies]\nentity = { path = "crates/entity" }\n',
      'Cargo.lock': 'version = 4\n',
      '.cargo/config.toml': '[net]\ngit-fetch-with-cli = true\n',
      'crates/api/Cargo.toml': '[package]\nname = "api"\nversion.workspace = true\nrust-version.workspace = true\n\n[[bin]]\nname = "bookmarks-api"\npath = "src/main.rs"\n\n[dependencies]\nentity = { workspace = true }\naxum = "0.8"\n',
      'crates/api/src/main.rs': 'let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();\n',
      'crates/entity/Cargo.toml': '[package]\nname = "entity"\nversion.workspace = true\n',
      'crates/entity/src/lib.rs': 'pub struct Bookmark;\n',
      'crates/migration/Cargo.toml': '[package]\nname = "migration"\nversion.workspace = true\n\n[[bin]]\nname = "migration"\npath = "src/main.rs"\n',
      'crates/migration/src/main.rs': 'fn main() {}\n',
      'crates/scratch/Cargo.toml': '[package]\nname = "scratch"\n',
    })
    expect(d.services.map((s) => s.dir)).toEqual(['crates/api'])
    const s = service(d, 'crates/api')
    expect(s.app).toMatchObject({
      binary: 'bookmarks-api',
      buildContext: '../..',
      memberDir: 'crates/api',
      workspacePackage: 'api',
      installFiles: ['Cargo.toml', 'Cargo.lock', '.cargo/config.toml', 'crates/api/Cargo.toml', 'crates/entity/Cargo.toml', 'crates/migration/Cargo.toml'],
    })
    expect(s.app.unlocked).toBeUndefined()
    expect(codes(s)).not.toContain('workspace-lockfile')
    expect(codes(s)).not.toContain('missing-manifest')
    expectNote(s, 'Cargo.lock', /a member of the Cargo workspace at the root, locked in its Cargo\.lock: the image builds from the root \(context \.\.\/\.\.\) with cargo build -p api/)
    expect(s.languageVersion?.evidence[0]).toMatchObject({ file: 'Cargo.toml', reason: expect.stringMatching(/rust-version = "1\.88"/) })
  })

  it('a crate beside a Cargo workspace that does not list it keeps the workspace-lockfile warning', () => {
    const s = service(
      run({
        'Cargo.toml': '[workspace]\nmembers = ["lib"]\n',
        'Cargo.lock': '',
        'lib/Cargo.toml': '[package]\nname = "lib"\n',
        'tools/server/Cargo.toml': '[package]\nname = "server"\n\n[dependencies]\naxum = "0.8"\n',
        'tools/server/src/main.rs': 'fn main() {}\n',
      }, { include: ['tools/server'] }),
      'tools/server',
    )
    expect(s.app.buildContext).toBeUndefined()
    expect(codes(s)).toContain('workspace-lockfile')
  })

  it('pnpm + Turborepo: the member, the members it depends on, root manifests; a note, not the workspace-lockfile warning', () => {
    const d = run({
      'package.json': json({ name: 'acme', private: true, packageManager: 'pnpm@10.12.1', scripts: { build: 'turbo build' }, devDependencies: { turbo: '2.5.0' } }),
      'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'turbo.json': '{}',
      '.npmrc': 'auto-install-peers=true\n',
      'apps/api/package.json': json({ name: '@acme/api', scripts: { build: 'tsc', start: 'node dist/main.js' }, dependencies: { hono: '4.0.0', '@hono/node-server': '1.0.0', '@acme/db': 'workspace:*' } }),
      'apps/api/src/main.ts': 'serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8787) })\n',
      'packages/db/package.json': json({ name: '@acme/db', main: 'index.ts', dependencies: { postgres: '3.4.0', '@acme/config': 'workspace:^' } }),
      'packages/config/package.json': json({ name: '@acme/config', main: 'index.ts' }),
      'packages/ui/package.json': json({ name: '@acme/ui', main: 'index.ts', dependencies: { react: '19.1.0' } }),
    })
    const s = service(d, 'apps/api')
    expect(s.app).toMatchObject({
      buildContext: '../..',
      memberDir: 'apps/api',
      workspacePackage: '@acme/api',
      installFiles: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', 'apps/api/package.json', 'packages/config/package.json', 'packages/db/package.json'],
    })
    expect(codes(s)).not.toContain('workspace-lockfile')
    expect(codes(s)).not.toContain('missing-manifest')
    expectNote(s, 'pnpm-lock.yaml', /the image builds from the root \(context \.\.\/\.\.\) and installs @acme\/api/)
  })

  it('npm workspaces: every member manifest (npm ci checks the whole workspace)', () => {
    const s = service(
      run({
        'package.json': json({ name: 'mono', private: true, workspaces: ['services/*', 'libs/*'] }),
        'package-lock.json': '{}',
        'services/orders/package.json': json({ name: 'orders', scripts: { start: 'node index.js' }, dependencies: { express: '5.0.0' } }),
        'services/orders/index.js': 'app.listen(3000)\n',
        'libs/logger/package.json': json({ name: 'logger', main: 'index.js' }),
      }),
      'services/orders',
    )
    expect(s.app).toMatchObject({ buildContext: '../..', memberDir: 'services/orders', workspacePackage: 'orders', installFiles: ['package.json', 'package-lock.json', 'libs/logger/package.json', 'services/orders/package.json'] })
  })
})
