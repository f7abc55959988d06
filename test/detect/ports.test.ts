import { describe, expect, it } from 'vitest'
import { codes, expectEvidence, json, run, service } from './helpers.js'

const goMod = (module = 'github.com/acme/api') => `module ${module}\n\ngo 1.25\n\nrequire github.com/go-chi/chi/v5 v5.2.0\n`

describe('port: the source order (1 listen/config, 2 flag/config-file defaults, 3 Dockerfile/Procfile, 4 Compose, 5 env examples)', () => {
  it('1: Spring server.port ${PORT:8081} in application.yml beats the Dockerfile EXPOSE', () => {
    const s = service(
      run({
        'pom.xml': '<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent><artifactId>petclinic</artifactId></project>\n',
        'mvnw': '#!/bin/sh\n',
        'src/main/resources/application.yml': 'spring:\n  application:\n    name: petclinic\nserver:\n  port: ${PORT:8081}\n',
        'Dockerfile': 'FROM eclipse-temurin:21\nEXPOSE 8080\n',
      }),
    )
    expect(s.port).toMatchObject({ value: 8081, env: 'PORT', confidence: 'high' })
    expectEvidence(s.port?.evidence, 'src/main/resources/application.yml', /server\.port from PORT, default 8081/)
    expectEvidence(s.port?.evidence, 'Dockerfile', /EXPOSE 8080 \(disagrees; the app's own listen call or framework config comes first\)/)
  })

  it('1: quarkus.http.port in application.properties', () => {
    const s = service(
      run({
        'build.gradle': "plugins { id 'io.quarkus' }\ndependencies { implementation 'io.quarkus:quarkus-rest' }\n",
        'src/main/resources/application.properties': 'quarkus.http.port=8099\nquarkus.datasource.db-kind=postgresql\n',
      }),
    )
    expect(s.port).toMatchObject({ value: 8099, confidence: 'high' })
    expectEvidence(s.port?.evidence, 'src/main/resources/application.properties', /quarkus\.http\.port 8099/)
  })

  it('1: config/puma.rb with parentheses, `port ENV.fetch("PORT") { 3000 }`', () => {
    const s = service(run({ Gemfile: 'gem "rails"\n', 'Gemfile.lock': '', 'config/puma.rb': 'threads 5, 5\nport ENV.fetch("PORT") { 3300 }\n' }))
    expect(s.port).toMatchObject({ value: 3300, env: 'PORT' })
    expectEvidence(s.port?.evidence, 'config/puma.rb', /reads PORT, default 3300/)
  })

  it('1: config/puma.rb without parentheses, `port ENV.fetch "PORT", 3000`', () => {
    const s = service(run({ Gemfile: 'gem "rails"\n', 'Gemfile.lock': '', 'config/puma.rb': 'max_threads_count = ENV.fetch("RAILS_MAX_THREADS", 5)\nport ENV.fetch "PORT", 4001\n' }))
    expect(s.port).toMatchObject({ value: 4001, env: 'PORT', confidence: 'high' })
    expectEvidence(s.port?.evidence, 'config/puma.rb', /reads PORT, default 4001: `ENV\.fetch "PORT", 4001`/)
  })

  it('1: Kestrel endpoint in appsettings.json; launchSettings.json is only noted (dotnet run, not the container)', () => {
    const s = service(
      run({
        'Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
        'Program.cs': 'var app = WebApplication.Create(args);\napp.Run();\n',
        'appsettings.json': '{ "Kestrel": { "Endpoints": { "Http": { "Url": "http://0.0.0.0:5080" } } } }\n',
        'Properties/launchSettings.json': json({ profiles: { http: { commandName: 'Project', applicationUrl: 'http://localhost:5123' } } }),
      }),
    )
    expect(s.port).toMatchObject({ value: 5080, confidence: 'high' })
    expectEvidence(s.port?.evidence, 'appsettings.json', /Kestrel endpoint on 5080/)
    expectEvidence(s.notes, 'Properties/launchSettings.json', /dotnet run` only/)
  })

  it('1: axum `Server::bind(&"0.0.0.0:8181".parse()?)` (realworld-axum-sqlx)', () => {
    const s = service(run({ 'Cargo.toml': '[package]\nname = "conduit"\n\n[dependencies]\naxum = "0.6"\n', 'Cargo.lock': '', 'src/main.rs': 'fn main() {}\n', 'src/http/mod.rs': 'pub async fn serve() {\n    axum::Server::bind(&"0.0.0.0:8181".parse()?).serve(app).await\n}\n' }))
    expect(s.port).toMatchObject({ value: 8181, confidence: 'high' })
    expectEvidence(s.port?.evidence, 'src/http/mod.rs', /listens on 8181/)
  })

  it('2: Go flag default, `flag.Int("port", 9898, …)`', () => {
    const s = service(run({ 'go.mod': goMod(), 'main.go': 'package main\n\nvar port = flag.Int("port", 9898, "HTTP port")\n\nfunc main() {\n\tflag.Parse()\n\thttp.ListenAndServe(fmt.Sprintf(":%d", *port), nil)\n}\n' }))
    expect(s.port).toMatchObject({ value: 9898, confidence: 'high' })
    expectEvidence(s.port?.evidence, 'main.go', /port flag's default 9898: `Int\("port", 9898/)
  })

  it('2: pflag on a viper prefix (podinfo): the default, and the variable viper binds', () => {
    const s = service(
      run({
        'go.mod': goMod('github.com/acme/podinfo'),
        'cmd/podinfo/main.go': 'package main\n\nfunc main() {\n\tfs := pflag.NewFlagSet("default", pflag.ContinueOnError)\n\tfs.Int("port", 9898, "HTTP port to bind service to")\n\tfs.Int("port-metrics", 0, "metrics port")\n\tviper.SetEnvPrefix("PODINFO")\n\tviper.AutomaticEnv()\n\tsrv.ListenAndServe()\n}\n',
        'cmd/podcli/main.go': 'package main\n\nfunc main() { rootCmd.Execute() }\n',
      }),
    )
    expect(s.port).toMatchObject({ value: 9898, env: 'PODINFO_PORT' })
    expectEvidence(s.port?.evidence, 'cmd/podinfo/main.go', /port flag's default 9898/)
  })

  it('2: cobra, `IntVarP(&port, "port", "p", 7070, …)`', () => {
    const s = service(run({ 'go.mod': goMod(), 'main.go': 'package main\n\nfunc main() {\n\tcmd.Flags().IntVarP(&port, "port", "p", 7070, "listen port")\n\thttp.ListenAndServe(addr, mux)\n}\n' }))
    expect(s.port?.value).toBe(7070)
    expectEvidence(s.port?.evidence, 'main.go', /IntVarP\(&port, "port", "p", 7070/)
  })

  it('2: configuration/base.yaml `application.port` (zero2prod), never `database.port`', () => {
    const s = service(
      run({
        'Cargo.toml': '[package]\nname = "newsletter"\n\n[dependencies]\nactix-web = "4"\nconfig = "0.14"\n',
        'Cargo.lock': '',
        'src/main.rs': 'fn main() { let settings = get_configuration().expect("config"); let address = format!("{}:{}", settings.application.host, settings.application.port); }\n',
        'configuration/base.yaml': 'database:\n  host: "127.0.0.1"\n  port: 5432\n  username: "postgres"\napplication:\n  port: 8000\n',
        'configuration/local.yaml': 'application:\n  host: 127.0.0.1\n',
        'configuration/production.yaml': 'application:\n  host: 0.0.0.0\n',
      }),
    )
    expect(s.port).toMatchObject({ value: 8000, confidence: 'high' })
    expectEvidence(s.port?.evidence, 'configuration/base.yaml', /^application\.port: 8000$/)
  })

  it('2: config.toml `[server] port = …`', () => {
    const s = service(run({ 'go.mod': goMod(), 'main.go': 'package main\n\nfunc main() { cfg := load("config.toml"); http.ListenAndServe(cfg.Server.Addr(), nil) }\n', 'config.toml': '[database]\nport = 5432\n\n[server]\nport = 8085\n' }))
    expect(s.port?.value).toBe(8085)
    expectEvidence(s.port?.evidence, 'config.toml', /server\.port: 8085/)
  })

  it('3: the Dockerfile `ENV PORT=` fills in a PORT read with no default', () => {
    const s = service(run({ 'go.mod': goMod(), 'main.go': 'package main\n\nfunc main() { http.ListenAndServe(":"+os.Getenv("PORT"), nil) }\n', Dockerfile: 'FROM golang:1.25\nENV PORT=8090\nEXPOSE 8090\n' }))
    expect(s.port).toMatchObject({ value: 8090, env: 'PORT' })
    expectEvidence(s.port?.evidence, 'Dockerfile', /ENV PORT=8090/)
  })

  it('4: the app\'s own Compose service (built here), its ports from the override file; maildev and SQL Server ports never', () => {
    const s = service(
      run({
        'package.json': json({ name: 'shop', scripts: { start: 'node server.js' }, dependencies: { express: '5.0.0', mssql: '11.0.0', nodemailer: '6.0.0' } }),
        'package-lock.json': '{}',
        'server.js': 'const port = config.port\napp.listen(port)\n',
        'docker-compose.yml': "services:\n  sqlserver:\n    image: mcr.microsoft.com/azure-sql-edge\n    ports:\n      - '1433:1433'\n  web:\n    build:\n      context: .\n    depends_on:\n      - sqlserver\n  maildev:\n    image: maildev/maildev\n    ports:\n      - '1080:1080'\n      - '1025:1025'\n",
        'docker-compose.override.yml': "services:\n  web:\n    environment:\n      - NODE_ENV=development\n    ports:\n      - '5106:8080'\n",
      }),
    )
    expect(s.port).toMatchObject({ value: 8080, confidence: 'medium' })
    expectEvidence(s.port?.evidence, 'docker-compose.override.yml', /service "web" publishes container port 8080 \(host side 5106\)/)
  })

  it("4: a root Compose file that builds a sub-folder's service is not the root service's", () => {
    const d = run({
      'package.json': json({ name: 'gateway', scripts: { start: 'node index.js' }, dependencies: { express: '5.0.0' } }),
      'package-lock.json': '{}',
      'index.js': 'app.listen(process.env.PORT)\n',
      'worker/go.mod': 'module x/worker\n\ngo 1.25\n',
      'worker/main.go': 'package main\n\nfunc main() { http.ListenAndServe(":"+os.Getenv("PORT"), nil) }\n',
      'compose.yaml': "services:\n  worker:\n    build: ./worker\n    ports:\n      - '9000:9100'\n",
    })
    expect(service(d).port?.value).toBeNull()
    expect(service(d, 'worker').port?.value).toBe(9100)
    expectEvidence(service(d, 'worker').port?.evidence, 'compose.yaml', /service "worker" publishes container port 9100/)
  })

  it('5: env examples count for the app\'s port variable only; a client\'s MAIL_PORT in code never wins', () => {
    const s = service(
      run({
        'package.json': json({ name: 'api', scripts: { start: 'node src/index.js' }, dependencies: { express: '5.0.0', nodemailer: '6.0.0' } }),
        'package-lock.json': '{}',
        'src/config.js': "module.exports = {\n  mail: { host: process.env.MAIL_HOST, port: process.env.MAIL_PORT || 587 },\n  search: { port: process.env.ELASTICSEARCH_PORT ?? 9200 },\n}\n",
        'src/index.js': 'app.listen(process.env.PORT)\n',
        '.env.example': 'MAIL_PORT=2525\nPORT=4000\n',
      }),
    )
    expect(s.port).toMatchObject({ value: 4000, env: 'PORT' })
    expectEvidence(s.port?.evidence, '.env.example', /^PORT=4000$/)
    expect(JSON.stringify(s.port?.evidence)).not.toMatch(/MAIL_PORT|ELASTICSEARCH_PORT/)
  })

  it("5: the app's own variable (SERVER_PORT read in code) is read from the env example; APP_PORT, a Compose host variable, is not", () => {
    const s = service(
      run({
        'package.json': json({ name: 'api', scripts: { start: 'node index.js' }, dependencies: { koa: '3.0.0' } }),
        'package-lock.json': '{}',
        'index.js': 'app.listen(process.env.SERVER_PORT)\n',
        '.env.example': 'APP_PORT=80\nSERVER_PORT=3900\n',
      }),
    )
    expect(s.port).toMatchObject({ value: 3900, env: 'SERVER_PORT' })
    expectEvidence(s.port?.evidence, '.env.example', /^SERVER_PORT=3900$/)
  })

  it('a Python settings ELASTICSEARCH_PORT default is not the port; the Procfile is', () => {
    const s = service(
      run({
        'requirements.txt': 'fastapi==0.115.0 --hash=sha256:a\nelasticsearch==8.0.0 --hash=sha256:b\n',
        'requirements-dev.txt': 'pytest==8 --hash=sha256:c\n',
        'app/settings.py': 'ES_HOST = os.getenv("ELASTICSEARCH_HOST", "localhost")\nES_PORT = int(os.getenv("ELASTICSEARCH_PORT", "9200"))\n',
        'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
        Procfile: 'web: uvicorn app.main:app --host 0.0.0.0 --port 8010\n',
      }),
    )
    expect(s.port?.value).toBe(8010)
    expectEvidence(s.port?.evidence, 'Procfile', /8010/)
  })

  it("PHP: the image's web server's 8080, not Sail's host-side APP_PORT", () => {
    const s = service(
      run({
        'composer.json': json({ name: 'acme/crm', require: { php: '^8.3', 'laravel/framework': '^12.0' } }),
        'composer.lock': '{}',
        artisan: '#!/usr/bin/env php\n',
        'public/index.php': '<?php\n',
        '.env.example': 'APP_NAME=crm\nAPP_PORT=8000\nDB_CONNECTION=mysql\n',
        'docker-compose.yml': "services:\n  laravel.test:\n    build:\n      context: ./vendor/laravel/sail/runtimes/8.4\n    ports:\n      - '${APP_PORT:-80}:80'\n      - '${VITE_PORT:-5173}:${VITE_PORT:-5173}'\n  mysql:\n    image: 'mysql/mysql-server:8.0'\n    ports:\n      - '${FORWARD_DB_PORT:-3306}:3306'\n",
      }),
    )
    expect(s.port).toMatchObject({ value: 8080 })
    expectEvidence(s.port?.evidence, 'composer.json', /FrankenPHP serves the app on 8080/)
  })
})

describe('port: the image decides for PHP, SPAs and ASP.NET Core', () => {
  it('a Vite SPA is served by the image\'s nginx on 8080, not by a test runner\'s Compose port', () => {
    const s = service(
      run({
        'package.json': json({ name: 'ui', scripts: { dev: 'vite', build: 'vite build' }, dependencies: { react: '19.0.0' }, devDependencies: { vite: '7.0.0' } }),
        'package-lock.json': '{}',
        'vite.config.ts': 'export default { server: { port: 5173 } }\n',
        '.env.example': 'PORT=5173\n',
        'compose.yaml': "services:\n  playwright:\n    build:\n      context: .\n      dockerfile: Dockerfile.playwright\n    ports:\n      - '9323:9323'\n",
      }),
    )
    expect(s.port).toMatchObject({ value: 8080 })
    expectEvidence(s.port?.evidence, 'package.json', /nginx on 8080/)
  })

  it("ASP.NET Core: an old Dockerfile's EXPOSE 80 and a Compose ASPNETCORE_URLS do not choose", () => {
    const s = service(
      run({
        'Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
        'Program.cs': 'var app = WebApplication.Create(args);\napp.Run();\n',
        Dockerfile: 'FROM mcr.microsoft.com/dotnet/aspnet:6.0\nEXPOSE 80\nENV ASPNETCORE_URLS=http://+:80\n',
        'docker-compose.yml': "services:\n  api:\n    build: .\n    environment:\n      - ASPNETCORE_URLS=http://+:5000\n    ports:\n      - '5000:5000'\n",
      }),
    )
    expect(s.port?.value).toBe(8080)
    const urls = service(run({ 'Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>\n', 'Program.cs': 'var builder = WebApplication.CreateBuilder(args);\nbuilder.WebHost.UseUrls("http://0.0.0.0:5005");\n' }))
    expect(urls.port?.value).toBe(5005)
    expectEvidence(urls.port?.evidence, 'Program.cs', /listens on 5005: `UseUrls\("http:\/\/0\.0\.0\.0:5005"/)
  })
})

describe('localhost-binding: the server\'s own bind call and framework defaults only', () => {
  const node = (files: Record<string, string>, deps: Record<string, string> = { express: '5.0.0' }) =>
    service(run({ 'package.json': json({ name: 'api', scripts: { start: 'node index.js' }, dependencies: deps }), 'package-lock.json': '{}', ...files }))

  it('a mail or database client on localhost is not a bind', () => {
    const s = node({
      'index.js': "const app = express()\napp.listen(process.env.PORT || 3000)\n",
      'config.js': "module.exports = {\n  smtp: {\n    host: 'localhost',\n    port: 1025,\n  },\n  server: 'localhost',\n}\n",
      'db.js': "const pool = new Pool({\n  host: 'localhost',\n})\n",
    })
    expect(codes(s)).not.toContain('localhost-binding')
  })

  it("the server's listen call on 127.0.0.1 is", () => {
    const s = node({ 'index.js': "const app = express()\napp.listen(3000, '127.0.0.1')\n" })
    const w = s.warnings.find((x) => x.code === 'localhost-binding')
    expect(w).toMatchObject({ file: 'index.js', message: expect.stringMatching(/listen\(3000, '127\.0\.0\.1'/) })
  })

  it('Fastify listen({ port }) without a host listens on localhost', () => {
    const s = node({ 'index.js': "const fastify = require('fastify')()\nfastify.listen({ port: Number(process.env.PORT) || 3000 })\n" }, { fastify: '5.0.0' })
    const w = s.warnings.find((x) => x.code === 'localhost-binding')
    expect(w).toMatchObject({ file: 'index.js', message: expect.stringMatching(/^Fastify listens on localhost unless given a host/) })
  })

  it("Fastify listen with host '0.0.0.0' does not", () => {
    const s = node({ 'index.js': "const fastify = require('fastify')()\nfastify.listen({ port: 3000, host: '0.0.0.0' })\n" }, { fastify: '5.0.0' })
    expect(codes(s)).not.toContain('localhost-binding')
  })

  it('a bind host read from HOST with a localhost default is left to the HOST variable', () => {
    const s = node({ 'index.js': "app.listen(3000, process.env.HOST || 'localhost')\n" })
    expect(codes(s)).not.toContain('localhost-binding')
  })

  it('Go ListenAndServe("localhost:8080") is', () => {
    const s = service(run({ 'go.mod': goMod(), 'main.go': 'package main\n\nfunc main() {\n\tdb, _ := sql.Open("postgres", "host=localhost")\n\thttp.ListenAndServe("localhost:8080", nil)\n}\n' }))
    expect(s.warnings.find((w) => w.code === 'localhost-binding')?.message).toMatch(/ListenAndServe\("localhost:8080"/)
  })
})
