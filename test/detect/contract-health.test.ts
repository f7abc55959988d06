import { describe, expect, it } from 'vitest'
import { detect, memoryRepo } from '../../src/detect/index.js'
import { evidenceOf, json, service } from './contract-helpers.js'

const node = (deps: Record<string, string>) => ({ 'package.json': json({ name: 'api', scripts: { start: 'node src/index.js' }, dependencies: deps }), 'package-lock.json': '{}' })
const health = (files: Record<string, string>) => service(files).app.health

describe('health routes: Node', () => {
  it('Express route on a router mounted with app.use("/v1", routes) through require', () => {
    const s = service({
      ...node({ express: '^4' }),
      'src/index.js': "const app = require('./app')\napp.listen(3000)\n",
      'src/app.js': "const express = require('express')\nconst routes = require('./routes/v1')\nconst app = express()\napp.use(express.json())\napp.use('/v1', routes)\nmodule.exports = app\n",
      'src/routes/v1/index.js': "const express = require('express')\nconst router = express.Router()\nrouter.get('/health', (req, res) => res.send('ok'))\nmodule.exports = router\n",
    })
    expect(s.app.health).toEqual({ liveness: '/v1/health', readiness: '/v1/health' })
    expect(evidenceOf(s, 'health')[0]).toBe("src/routes/v1/index.js: liveness and readiness: GET /v1/health (`router.get('/health'` (mounted at /v1))")
    expect(s.health?.confidence).toBe('high')
  })

  it('nested routers with ES imports: app.use("/api", api) → api.use("/status", statusRouter)', () => {
    expect(
      health({
        ...node({ express: '^5' }),
        'src/index.js': "import express from 'express'\nimport api from './api/index.js'\nconst app = express()\napp.use('/api', api)\napp.listen(3000)\n",
        'src/api/index.js': "import { Router } from 'express'\nimport { statusRouter } from './status.js'\nconst api = Router()\napi.use('/status', statusRouter)\nexport default api\n",
        'src/api/status.js': "import { Router } from 'express'\nexport const statusRouter = Router()\nstatusRouter.get('/healthz', (_q, r) => r.json({ ok: true }))\nstatusRouter.get('/readyz', (_q, r) => r.json({ ok: true }))\n",
      }),
    ).toEqual({ liveness: '/api/status/healthz', readiness: '/api/status/readyz' })
  })

  it('Fastify plugin registered with a prefix', () => {
    expect(
      health({
        ...node({ fastify: '^5' }),
        'src/index.js': "const fastify = require('fastify')()\nfastify.register(require('./routes/health'), { prefix: '/api' })\nfastify.listen({ port: 3000, host: '0.0.0.0' })\n",
        'src/routes/health.js': "module.exports = async function (app, opts) {\n  app.get('/health', async () => ({ ok: true }))\n}\n",
      }),
    ).toEqual({ liveness: '/api/health', readiness: '/api/health' })
  })

  it('Koa router with its own prefix', () => {
    expect(
      health({
        ...node({ koa: '^3', '@koa/router': '^13' }),
        'src/index.js': "const Koa = require('koa')\nconst Router = require('@koa/router')\nconst app = new Koa()\nconst router = new Router({ prefix: '/api' })\nrouter.get('/ping', (ctx) => { ctx.body = 'pong' })\napp.use(router.routes())\napp.listen(3000)\n",
      }),
    ).toEqual({ liveness: '/api/ping', readiness: '/api/ping' })
  })

  it('a router mounted from computed paths is not guessed at: TCP, with the route in the evidence', () => {
    const s = service({
      ...node({ express: '^4' }),
      'src/index.js': "const express = require('express')\nconst routes = require('./routes')\nconst app = express()\nroutes.forEach((r) => app.use(r.path, r.router))\napp.listen(3000)\n",
      'src/routes/index.js': "const express = require('express')\nconst router = express.Router()\nrouter.get('/health', (q, r) => r.send('ok'))\nmodule.exports = router\n",
    })
    expect(s.app.health).toEqual({ liveness: null, readiness: null })
    expect(evidenceOf(s, 'health')).toEqual([
      'package.json: no health route with a known path found: TCP connect to port 3000',
      "src/routes/index.js: `router.get('/health'` on a router whose mount path is not written out: its full path is not known, not used",
    ])
  })

  it('an HTTP client call is not a route (axios.get("/health"))', () => {
    expect(health({ ...node({ express: '^4', axios: '^1' }), 'src/index.js': "const axios = require('axios')\nconst app = require('express')()\naxios.get('/health')\napp.listen(3000)\n" })).toEqual({ liveness: null, readiness: null })
  })

  it('Nest controller under a global prefix', () => {
    expect(
      health({
        'package.json': json({ name: 'api', scripts: { build: 'nest build', 'start:prod': 'node dist/main' }, dependencies: { '@nestjs/core': '^11', '@nestjs/terminus': '^11' } }),
        'package-lock.json': '{}',
        'src/main.ts': "const app = await NestFactory.create(AppModule)\napp.setGlobalPrefix('api')\nawait app.listen(3000)\n",
        'src/health/health.controller.ts': "@Controller('health')\nexport class HealthController {\n  @Get()\n  @HealthCheck()\n  check() {}\n}\n",
      }),
    ).toEqual({ liveness: '/api/health', readiness: '/api/health' })
  })

  it('Next.js route handler exporting GET', () => {
    expect(
      health({
        'package.json': json({ name: 'web', scripts: { build: 'next build', start: 'next start' }, dependencies: { next: '15.5.0', react: '19', 'react-dom': '19' } }),
        'package-lock.json': '{}',
        'src/app/api/health/route.ts': "export async function GET() { return Response.json({ ok: true }) }\n",
        'src/app/page.tsx': 'export default function Page() { return null }\n',
      }),
    ).toEqual({ liveness: '/api/health', readiness: '/api/health' })
  })
})

describe('health routes: Python', () => {
  it('FastAPI: APIRouter(prefix="/utils") included in api_router, included under settings.API_V1_STR', () => {
    const s = service({
      'pyproject.toml': '[project]\nname = "app"\nrequires-python = ">=3.12"\ndependencies = ["fastapi[standard]", "pydantic-settings"]\n',
      'uv.lock': 'version = 1\n',
      'app/main.py': 'from fastapi import FastAPI\nfrom app.api.main import api_router\nfrom app.core.config import settings\n\napp = FastAPI(title=settings.PROJECT_NAME)\napp.include_router(api_router, prefix=settings.API_V1_STR)\n',
      'app/api/main.py': 'from fastapi import APIRouter\n\nfrom app.api.routes import items, login, utils\n\napi_router = APIRouter()\napi_router.include_router(login.router)\napi_router.include_router(utils.router)\n',
      'app/api/routes/utils.py': 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/utils", tags=["utils"])\n\n@router.post("/test-email/")\ndef test_email(): ...\n\n@router.get("/health-check/")\nasync def health_check() -> bool:\n    return True\n',
      'app/api/routes/login.py': 'from fastapi import APIRouter\nrouter = APIRouter(tags=["login"])\n',
      'app/api/routes/items.py': 'from fastapi import APIRouter\nrouter = APIRouter(prefix="/items")\n',
      'app/core/config.py': 'from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    API_V1_STR: str = "/api/v1"\n    PROJECT_NAME: str\n\nsettings = Settings()\n',
    })
    expect(s.app.health).toEqual({ liveness: '/api/v1/utils/health-check/', readiness: '/api/v1/utils/health-check/' })
    expect(evidenceOf(s, 'health')[0]).toBe('app/api/routes/utils.py: liveness and readiness: GET /api/v1/utils/health-check/ (`@router.get("/health-check/")` (under /api/v1/utils))')
  })

  it('Flask blueprint with url_prefix, registered with another prefix', () => {
    expect(
      health({
        'requirements.txt': 'flask==3.1.0\n',
        'app/__init__.py': 'from flask import Flask\nfrom .health import bp\n\ndef create_app():\n    app = Flask(__name__)\n    app.register_blueprint(bp, url_prefix="/ops")\n    return app\n',
        'app/health.py': 'from flask import Blueprint\n\nbp = Blueprint("health", __name__)\n\n@bp.route("/healthz")\ndef healthz():\n    return "ok"\n\n@bp.route("/readyz", methods=["GET"])\ndef readyz():\n    return "ok"\n',
      }),
    ).toEqual({ liveness: '/ops/healthz', readiness: '/ops/readyz' })
  })

  it('Flask route restricted to POST is not a health check', () => {
    expect(health({ 'requirements.txt': 'flask==3.1.0\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n\n@app.route("/ping", methods=["POST"])\ndef ping():\n    return "pong"\n' })).toEqual({ liveness: null, readiness: null })
  })

  it('Django: path("health/") in an app URLconf included under api/', () => {
    const s = service({
      'requirements.txt': 'django==5.2\n',
      'manage.py': 'import os\n',
      'shop/settings.py': 'ROOT_URLCONF = "shop.urls"\n',
      'shop/wsgi.py': 'application = None\n',
      'shop/urls.py': 'from django.urls import include, path\n\nurlpatterns = [\n    path("admin/", admin.site.urls),\n    path("api/", include("core.urls")),\n]\n',
      'core/urls.py': 'from django.urls import path\nfrom . import views\n\nurlpatterns = [\n    path("health/", views.health, name="health"),\n]\n',
    })
    expect(s.app.health).toEqual({ liveness: '/api/health/', readiness: '/api/health/' })
    expect(evidenceOf(s, 'health')[0]).toBe('core/urls.py: liveness and readiness: GET /api/health/ (path("health/") included under api/)')
  })
})

describe('health routes: Go and Rust', () => {
  const gomod = (req = '') => `module example.com/svc\n\ngo 1.25\n${req}`
  it('net/http HandleFunc("/healthz") and a method pattern "GET /readyz"', () => {
    expect(
      health({
        'go.mod': gomod(),
        'main.go': 'package main\n\nfunc main() {\n\tmux := http.NewServeMux()\n\tmux.HandleFunc("/healthz", ok)\n\tmux.HandleFunc("GET /readyz", ready)\n\tmux.HandleFunc("POST /ping", ok)\n\thttp.ListenAndServe(":8080", mux)\n}\n',
      }),
    ).toEqual({ liveness: '/healthz', readiness: '/readyz' })
  })

  it('gin: a group r.Group("/api") with GET("/ping")', () => {
    expect(
      health({
        'go.mod': gomod('require github.com/gin-gonic/gin v1.10.0\n'),
        'main.go': 'package main\n\nfunc main() {\n\tr := gin.Default()\n\tapi := r.Group("/api")\n\t{\n\t\tapi.GET("/ping", func(c *gin.Context) { c.String(200, "pong") })\n\t}\n\tr.Run(":8080")\n}\n',
      }),
    ).toEqual({ liveness: '/api/ping', readiness: '/api/ping' })
  })

  it('chi: r.Route("/v1", func(r chi.Router) { r.Get("/health", h) })', () => {
    expect(
      health({
        'go.mod': gomod('require github.com/go-chi/chi/v5 v5.2.0\n'),
        'cmd/api/main.go': 'package main\n\nfunc main() {\n\tr := chi.NewRouter()\n\tr.Route("/v1", func(r chi.Router) {\n\t\tr.Get("/health", h)\n\t})\n\thttp.ListenAndServe(":3000", r)\n}\n',
      }),
    ).toEqual({ liveness: '/v1/health', readiness: '/v1/health' })
  })

  it('gorilla/mux on a struct field made in another file (a podinfo-like shape), .Methods("GET")', () => {
    expect(
      health({
        'go.mod': gomod('require github.com/gorilla/mux v1.8.1\n'),
        'cmd/podinfo/main.go': 'package main\n\nfunc main() { server.NewServer().ListenAndServe() }\n',
        'pkg/api/server.go': 'package api\n\nfunc NewServer() *Server {\n\treturn &Server{router: mux.NewRouter()}\n}\n',
        'pkg/api/routes.go': 'package api\n\nfunc (s *Server) registerHandlers() {\n\ts.router.HandleFunc("/healthz", s.healthzHandler).Methods("GET")\n\ts.router.HandleFunc("/readyz", s.readyzHandler).Methods("GET")\n}\n',
      }),
    ).toEqual({ liveness: '/healthz', readiness: '/readyz' })
  })

  it('echo on a group passed in as a parameter: the prefix is not known here → TCP', () => {
    const s = service({
      'go.mod': gomod('require github.com/labstack/echo/v4 v4.13.0\n'),
      'main.go': 'package main\n\nfunc main() {\n\te := echo.New()\n\tregister(e.Group(os.Getenv("PREFIX")))\n\te.Start(":8080")\n}\n\nfunc register(g *echo.Group) {\n\tg.GET("/health", h)\n}\n',
    })
    expect(s.app.health).toEqual({ liveness: null, readiness: null })
    expect(evidenceOf(s, 'health')[1]).toMatch(/g\.GET\("\/health", h\).*prefix is not written out.*not used$/)
  })

  const cargo = (dep: string) => `[package]\nname = "svc"\nversion = "0.1.0"\n\n[dependencies]\n${dep}\n`
  it('actix-web: .route("/health_check", web::get().to(health_check)) (a zero2prod-like shape)', () => {
    const s = service({
      'Cargo.toml': cargo('actix-web = "4"'),
      'Cargo.lock': '',
      'src/main.rs': 'fn main() {}\n',
      'src/startup.rs': 'pub fn run() {\n    let server = HttpServer::new(move || {\n        App::new()\n            .route("/health_check", web::get().to(health_check))\n            .route("/subscriptions", web::post().to(subscribe))\n    });\n}\n',
    })
    expect(s.app.health).toEqual({ liveness: '/health_check', readiness: '/health_check' })
  })

  it('actix-web: #[get("/health")] registered with .service() inside web::scope("/api")', () => {
    expect(
      health({
        'Cargo.toml': cargo('actix-web = "4"'),
        'src/main.rs': '#[get("/health")]\nasync fn health() -> impl Responder { "ok" }\n\nfn main() {\n    HttpServer::new(|| App::new().service(web::scope("/api").service(health)))\n}\n',
      }),
    ).toEqual({ liveness: '/api/health', readiness: '/api/health' })
  })

  it('axum: .route("/healthz", get(h)) in a router nested at /internal', () => {
    expect(
      health({
        'Cargo.toml': cargo('axum = "0.8"'),
        'src/main.rs': 'fn ops() -> Router {\n    Router::new().route("/healthz", get(|| async { "ok" }))\n}\n\n#[tokio::main]\nasync fn main() {\n    let app = Router::new().route("/", get(root)).nest("/internal", ops());\n}\n',
      }),
    ).toEqual({ liveness: '/internal/healthz', readiness: '/internal/healthz' })
  })
})

describe('health routes: JVM and .NET', () => {
  const pom = (deps: string[]) =>
    `<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.5.0</version>\n  </parent>\n  <artifactId>svc</artifactId>\n  <dependencies>\n${deps.map((d) => `    <dependency>\n      <groupId>org.springframework.boot</groupId>\n      <artifactId>${d}</artifactId>\n    </dependency>\n`).join('')}  </dependencies>\n</project>\n`
  it('Spring Boot Actuator as a dependency → /actuator/health', () => {
    const s = service({ 'pom.xml': pom(['spring-boot-starter-web', 'spring-boot-starter-actuator']), mvnw: '', 'src/main/java/a/App.java': 'class App {}\n' })
    expect(s.app.health).toEqual({ liveness: '/actuator/health', readiness: '/actuator/health' })
    expect(evidenceOf(s, 'health')[0]).toBe('pom.xml: liveness and readiness: GET /actuator/health (spring-boot-starter-actuator: Spring Boot serves its health endpoint)')
    expect(s.health?.confidence).toBe('medium')
  })

  it('Actuator with probes enabled and a context path → liveness and readiness groups under it', () => {
    expect(
      health({
        'pom.xml': pom(['spring-boot-starter-actuator']),
        'src/main/java/a/App.java': 'class App {}\n',
        'src/main/resources/application.yml': 'server:\n  servlet:\n    context-path: /petclinic\nmanagement:\n  endpoint:\n    health:\n      probes:\n        enabled: true\n',
      }),
    ).toEqual({ liveness: '/petclinic/actuator/health/liveness', readiness: '/petclinic/actuator/health/readiness' })
  })

  it('Actuator on a separate management port is not the app port: not used', () => {
    expect(health({ 'pom.xml': pom(['spring-boot-starter-actuator']), 'src/main/java/a/App.java': 'class App {}\n', 'src/main/resources/application.properties': 'management.server.port=9001\n' })).toEqual({ liveness: null, readiness: null })
  })

  it('Spring @GetMapping("/health") in a @RestController with a class-level @RequestMapping', () => {
    expect(
      health({
        'pom.xml': pom(['spring-boot-starter-web']),
        'src/main/java/a/StatusController.java': '@RestController\n@RequestMapping("/api")\npublic class StatusController {\n  @GetMapping("/health")\n  public String health() { return "ok"; }\n  @PostMapping("/ping")\n  public String ping() { return "x"; }\n}\n',
      }),
    ).toEqual({ liveness: '/api/health', readiness: '/api/health' })
  })

  it('Quarkus with smallrye-health → /q/health/live and /q/health/ready', () => {
    const s = service({
      'build.gradle.kts': 'plugins { id("io.quarkus") }\ndependencies {\n  implementation("io.quarkus:quarkus-rest")\n  implementation("io.quarkus:quarkus-smallrye-health")\n}\n',
      'settings.gradle.kts': 'rootProject.name = "svc"\n',
      'src/main/java/a/R.java': 'class R {}\n',
    })
    expect(s.app.health).toEqual({ liveness: '/q/health/live', readiness: '/q/health/ready' })
  })

  it('ASP.NET Core: MapHealthChecks("/health") and a MapGroup readiness', () => {
    expect(
      health({
        'Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
        'Program.cs': 'var builder = WebApplication.CreateBuilder(args);\nvar app = builder.Build();\napp.MapHealthChecks("/health");\nvar ops = app.MapGroup("/ops");\nops.MapGet("/ready", () => "ok");\napp.Run();\n',
      }),
    ).toEqual({ liveness: '/health', readiness: '/ops/ready' })
  })

  it('a solution: only the published web project’s routes count', () => {
    const s = service({
      'Shop.sln': '',
      'src/Api/Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
      'src/Api/Program.cs': 'var app = WebApplication.Create(args);\napp.MapGet("/api/items", () => "[]");\napp.Run();\n',
      'src/Admin/Admin.csproj': '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
      'src/Admin/Program.cs': 'var app = WebApplication.Create(args);\napp.MapHealthChecks("/health");\napp.Run();\n',
    })
    expect(s.app.appProject).toBe('src/Api/Api.csproj')
    expect(s.app.health).toEqual({ liveness: null, readiness: null })
  })

  it('a solution with several web projects: the chosen project’s routes, read from its own folder', () => {
    const files = {
      'Shop.sln': '',
      'src/Web/Web.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
      'src/Web/Program.cs': 'var builder = WebApplication.CreateBuilder(args);\nbuilder.Services.AddHealthChecks();\nvar app = builder.Build();\napp.MapHealthChecks("/health");\napp.Run();\n',
      'src/PublicApi/PublicApi.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
      'src/PublicApi/Program.cs': 'var app = WebApplication.Create(args);\napp.MapGet("/api/ping", () => "pong");\napp.Run();\n',
    }
    const d = detect(memoryRepo(files), { rootName: 'shop', include: ['src/Web'] })
    const web = d.services.find((x) => x.dir === 'src/Web')!
    expect(web.app).toMatchObject({ buildContext: '../..', memberDir: 'src/Web', appProject: 'src/Web/Web.csproj' })
    expect(web.app.health).toEqual({ liveness: '/health', readiness: '/health' })
    expect(evidenceOf(web, 'health')[0]).toBe('src/Web/Program.cs: liveness and readiness: GET /health (app.MapHealthChecks("/health"))')
    const api = d.services.find((x) => x.dir === 'src/PublicApi')!
    expect(api.app.health).toEqual({ liveness: '/api/ping', readiness: '/api/ping' })
  })

  it('ASP.NET Core controller: [Route("api/[controller]")] + [HttpGet]', () => {
    expect(
      health({
        'Api.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>\n',
        'Program.cs': 'var app = WebApplication.Create(args);\napp.MapControllers();\napp.Run();\n',
        'Controllers/HealthController.cs': '[ApiController]\n[Route("api/[controller]")]\npublic class HealthController : ControllerBase\n{\n    [HttpGet]\n    public IActionResult Get() => Ok();\n}\n',
      }),
    ).toEqual({ liveness: '/api/Health', readiness: '/api/Health' })
  })
})

describe('health routes: Ruby and PHP', () => {
  it('Rails: get "up" => "rails/health#show"', () => {
    const s = service({
      Gemfile: 'gem "rails", "~> 8.0"\n',
      'Gemfile.lock': '',
      'config/application.rb': '',
      'config/routes.rb': 'Rails.application.routes.draw do\n  resources :posts do\n    get "status"\n  end\n  get "up" => "rails/health#show", as: :rails_health_check\n  namespace :api do\n    get "ping", to: "ping#show"\n  end\nend\n',
    })
    expect(s.app.health).toEqual({ liveness: '/api/ping', readiness: '/api/ping' })
    // /up ranks below ping; both are known. The nested resource route is not.
    expect(evidenceOf(s, 'health').some((e) => /status.*nested in a resource block/.test(e))).toBe(true)
  })

  it('Rails 7.1+ default: only /up', () => {
    expect(health({ Gemfile: 'gem "rails"\n', 'Gemfile.lock': '', 'config/application.rb': '', 'config/routes.rb': 'Rails.application.routes.draw do\n  get "up" => "rails/health#show", as: :rails_health_check\nend\n' })).toEqual({ liveness: '/up', readiness: '/up' })
  })

  it("Sinatra: get '/health' do", () => {
    expect(health({ Gemfile: 'gem "sinatra"\n', 'Gemfile.lock': '', 'app.rb': "require 'sinatra'\n\nget '/health' do\n  'ok'\nend\n" })).toEqual({ liveness: '/health', readiness: '/health' })
  })

  it("Laravel 11+: withRouting(health: '/up') in bootstrap/app.php", () => {
    const s = service({
      'composer.json': json({ require: { 'laravel/framework': '^12.0' } }),
      'composer.lock': '{}',
      artisan: '',
      'bootstrap/app.php': "<?php\nreturn Application::configure(basePath: dirname(__DIR__))\n    ->withRouting(\n        web: __DIR__.'/../routes/web.php',\n        api: __DIR__.'/../routes/api.php',\n        health: '/up',\n    )->create();\n",
    })
    expect(s.app.health).toEqual({ liveness: '/up', readiness: '/up' })
    expect(evidenceOf(s, 'health')[0]).toBe("bootstrap/app.php: liveness and readiness: GET /up (withRouting(health: '/up'), Laravel's own health route)")
  })

  it('Laravel routes/api.php served under its api prefix, inside a prefix group', () => {
    const s = service({
      'composer.json': json({ require: { 'laravel/framework': '^12.0' } }),
      'composer.lock': '{}',
      artisan: '',
      'bootstrap/app.php': "<?php\nreturn Application::configure(basePath: dirname(__DIR__))\n    ->withRouting(\n        web: __DIR__.'/../routes/web.php',\n        api: __DIR__.'/../routes/api.php',\n        health: '/up',\n    )->create();\n",
      'routes/api.php': "<?php\nRoute::prefix('v1')->group(function () {\n    Route::get('/health', fn () => ['ok' => true]);\n});\n",
    })
    expect(s.app.health).toEqual({ liveness: '/api/v1/health', readiness: '/api/v1/health' })
    expect(evidenceOf(s, 'health')[0]).toMatch(/^routes\/api\.php: .*GET \/api\/v1\/health/)
  })

  it("Slim: $app->get('/health') in the front controller public/index.php", () => {
    const s = service({
      'composer.json': json({ require: { 'slim/slim': '^4.14', 'slim/psr7': '^1.7' } }),
      'public/index.php': "<?php\nuse Slim\\Factory\\AppFactory;\nrequire __DIR__ . '/../vendor/autoload.php';\n$app = AppFactory::create();\n$app->get('/health', function ($request, $response) {\n    return $response;\n});\n$app->run();\n",
    })
    expect(s.app.health).toEqual({ liveness: '/health', readiness: '/health' })
    expect(evidenceOf(s, 'health')[0]).toBe("public/index.php: liveness and readiness: GET /health (`$app->get('/health'`)")
  })

  it("Slim skeleton: routes in app/routes.php inside $app->group('/api')", () => {
    const s = service({
      'composer.json': json({ require: { 'slim/slim': '^4.14' } }),
      'public/index.php': "<?php\n$app = AppFactory::create();\n(require __DIR__ . '/../app/routes.php')($app);\n$app->run();\n",
      'app/routes.php': "<?php\nreturn function (App $app) {\n    $app->group('/api', function (Group $group) {\n        $group->get('/status', fn ($q, $r) => $r);\n    });\n};\n",
    })
    expect(s.app.health).toEqual({ liveness: '/api/status', readiness: '/api/status' })
  })

  it("Symfony: #[Route('/health')] on a controller method, and a route in config/routes.yaml", () => {
    const sym = (extra: Record<string, string>) =>
      service({ 'composer.json': json({ require: { 'symfony/framework-bundle': '^7.3', 'symfony/runtime': '^7.3' } }), 'public/index.php': "<?php\nuse App\\Kernel;\nrequire_once dirname(__DIR__).'/vendor/autoload_runtime.php';\nreturn fn (array $context) => new Kernel($context['APP_ENV'], (bool) $context['APP_DEBUG']);\n", ...extra })
    const attr = sym({ 'src/Controller/HealthController.php': "<?php\nnamespace App\\Controller;\nfinal class HealthController\n{\n    #[Route('/health', name: 'health', methods: ['GET'])]\n    public function __invoke(): JsonResponse { return new JsonResponse(['ok' => true]); }\n}\n" })
    expect(attr.app.health).toEqual({ liveness: '/health', readiness: '/health' })
    const yaml = sym({ 'config/routes.yaml': "controllers:\n    resource: ../src/Controller/\n    type: attribute\n\nhealth_check:\n    path: /healthz\n    controller: App\\Controller\\HealthController\n    methods: [GET]\n" })
    expect(yaml.app.health).toEqual({ liveness: '/healthz', readiness: '/healthz' })
    expect(evidenceOf(yaml, 'health')[0]).toMatch(/^config\/routes\.yaml: .*GET \/healthz \(health_check: path: \/healthz/)
  })

  it('Laravel 10 without a health route: TCP, never /up', () => {
    const s = service({ 'composer.json': json({ require: { 'laravel/framework': '^10.0' } }), 'composer.lock': '{}', artisan: '', 'routes/web.php': "<?php\nRoute::get('/', fn () => view('welcome'));\n" })
    expect(s.app.health).toEqual({ liveness: null, readiness: null })
  })
})

describe('the no-health-endpoint warning', () => {
  it('without a route: says the check is TCP on the port and how to add /healthz and /readyz; never that the probes call /healthz', () => {
    const s = service({ ...node({ express: '^4' }), 'src/index.js': "require('express')().listen(4000)\n" })
    const w = s.warnings.find((x) => x.code === 'no-health-endpoint')!
    expect(w.message).toMatch(/connect to port 4000 \(TCP\)/)
    expect(w.message).toMatch(/add GET \/healthz .* and GET \/readyz/)
    expect(w.message).not.toMatch(/call(s)? (GET )?\/healthz/)
    expect(s.health).toEqual({ value: { liveness: null, readiness: null }, confidence: 'medium', evidence: [{ file: 'package.json', reason: 'no health route found: TCP connect to port 4000' }] })
  })

  it('names the file to add the route to, not the manifest: the server source, or the file with the health route found', () => {
    const none = service({ ...node({ express: '^4' }), 'src/index.js': "const app = require('express')()\napp.get('/orders', h)\napp.listen(4000)\n" })
    expect(none.warnings.find((x) => x.code === 'no-health-endpoint')?.file).toBe('src/index.js')
    const liveOnly = service({
      ...node({ express: '^4' }),
      'src/index.js': "const app = require('./app')\napp.listen(4000)\n",
      'src/app.js': "const app = require('express')()\napp.get('/health', h)\nmodule.exports = app\n",
    })
    expect(liveOnly.warnings.find((x) => x.code === 'no-health-endpoint')).toMatchObject({ file: 'src/app.js', message: expect.stringMatching(/^no \/readyz route found/) })
  })

  it('with liveness and readiness routes: no warning', () => {
    const s = service({ ...node({ express: '^4' }), 'src/index.js': "const app = require('express')()\napp.get('/livez', h)\napp.get('/readyz', h)\napp.listen(4000)\n" })
    expect(s.warnings.map((w) => w.code)).not.toContain('no-health-endpoint')
    expect(s.app.health).toEqual({ liveness: '/livez', readiness: '/readyz' })
  })

  it('a static site served by the tool’s nginx keeps the tool’s own checks', () => {
    const s = service({ 'package.json': json({ name: 'site', scripts: { build: 'vite build' }, devDependencies: { vite: '^7', react: '^19' } }), 'package-lock.json': '{}' })
    expect(s.app.health).toBeUndefined()
  })
})
