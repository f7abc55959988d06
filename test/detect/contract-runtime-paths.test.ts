import { describe, expect, it } from 'vitest'
import { evidenceOf, json, service } from './contract-helpers.js'

const gomod = 'module example.com/site\n\ngo 1.25\n'

describe('runtime paths: folders the app opens at run time', () => {
  it('Go: template.ParseGlob("templates/*") and http.Dir("./static"), both present', () => {
    const s = service({
      'go.mod': gomod,
      'main.go': 'package main\n\nfunc main() {\n\ttmpl := template.Must(template.ParseGlob("templates/*.html"))\n\thttp.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("./static"))))\n\thttp.ListenAndServe(":8080", nil)\n}\n',
      'templates/index.html': '<h1>hi</h1>\n',
      'static/app.css': 'body {}\n',
    })
    expect(s.app.runtimePaths).toEqual(['static', 'templates'])
    expect(evidenceOf(s, 'runtimePaths')).toEqual([
      'main.go: opens static at run time: `http.Dir("./static")` (line 5)',
      'main.go: opens templates at run time: `template.ParseGlob("templates/*.html"` (line 4)',
    ])
  })

  it('Go: an embedded folder is in the binary; a referenced folder that does not exist is not listed', () => {
    const s = service({
      'go.mod': gomod,
      'main.go': 'package main\n\n//go:embed templates\nvar tpl embed.FS\n\nfunc main() {\n\ttemplate.ParseFS(tpl, "templates/*")\n\tr := gin.Default()\n\tr.LoadHTMLGlob("templates/*")\n\tr.Static("/assets", "./assets")\n\tr.Run(":8080")\n}\n',
      'templates/a.html': '',
    })
    expect(s.app.runtimePaths).toBeUndefined()
  })

  it('Go: golang-migrate reads file://migrations at run time; viper reads ./config', () => {
    const s = service({
      'go.mod': gomod,
      'cmd/api/main.go': 'package main\n\nfunc main() {\n\tm, _ := migrate.New("file://db/migrations", os.Getenv("DATABASE_URL"))\n\tviper.AddConfigPath("./config")\n\thttp.ListenAndServe(":8080", nil)\n}\n',
      'db/migrations/1_init.up.sql': 'create table t();\n',
      'config/config.yaml': 'port: 8080\n',
    })
    expect(s.app.runtimePaths).toEqual(['config', 'db/migrations'])
  })

  it('Go: a flag default names ./ui (a podinfo-like shape), whose files sit in ui/vendor, a folder detection does not list', () => {
    const s = service({
      'go.mod': gomod,
      'cmd/kiosk/main.go': 'package main\n\nfunc main() {\n\tfs := flag.NewFlagSet("kiosk", flag.ExitOnError)\n\tport := fs.Int("port", 9898, "HTTP port")\n\tuiPath := fs.String("ui-path", "./ui", "UI local path")\n\tlevel := fs.String("level", "info", "log level")\n\t_ = fs.Parse(os.Args[1:])\n\tsrv, _ := api.NewServer(api.Config{UIPath: *uiPath})\n\tsrv.ListenAndServe(":" + strconv.Itoa(*port))\n}\n',
      'pkg/api/server.go': 'package api\n\nfunc NewServer(cfg Config) (*Server, error) {\n\tpage, err := template.ParseFiles(filepath.Join(cfg.UIPath, "vendor", "index.html"))\n}\n',
      'ui/vendor/index.html': '<h1>kiosk</h1>\n',
      'info/README.md': 'not a path the app opens\n',
    })
    expect(s.app.runtimePaths).toEqual(['ui'])
    expect(evidenceOf(s, 'runtimePaths')).toEqual(['cmd/kiosk/main.go: ui-path defaults to ./ui, which the app opens at run time: `.String("ui-path", "./ui"` (line 6)'])
  })

  it('Go: cobra/pflag StringVarP, an env struct tag default and a settings file key name existing folders; a .env default never', () => {
    const s = service({
      'go.mod': gomod,
      'main.go': 'package main\n\ntype Config struct {\n\tThemeDir string `env:"THEME_DIR" envDefault:"themes/default"`\n}\n\nfunc init() {\n\trootCmd.Flags().StringVarP(&staticDir, "static", "s", "public", "static files")\n\trootCmd.Flags().StringVar(&envFile, "env-file", ".env", "dotenv file")\n}\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
      'public/index.html': '',
      'themes/default/base.tmpl': '',
      'config/settings.yaml': 'server:\n  port: 8080\ni18n:\n  locales_dir: ./locales\n',
      'locales/en.json': '{}',
      '.env': 'SECRET=1\n',
    })
    expect(s.app.runtimePaths).toEqual(['locales', 'public', 'themes/default'])
    expect(evidenceOf(s, 'runtimePaths')).toContain('config/settings.yaml: i18n.locales_dir: ./locales names a path the app opens at run time')
  })

  it('Rust: a clap argument with default_value = "./static"', () => {
    const s = service({
      'Cargo.toml': '[package]\nname = "site"\n\n[dependencies]\naxum = "0.8"\nclap = { version = "4", features = ["derive"] }\n',
      'Cargo.lock': '',
      'src/main.rs': '#[derive(Parser)]\nstruct Args {\n    /// Where the assets are\n    #[arg(long, env = "ASSETS_DIR", default_value = "./assets")]\n    assets_dir: PathBuf,\n}\n\nfn main() {}\n',
      'assets/logo.svg': '<svg/>',
    })
    expect(s.app.runtimePaths).toEqual(['assets'])
    expect(evidenceOf(s, 'runtimePaths')[0]).toMatch(/^src\/main\.rs: assets_dir defaults to \.\/assets, which the app opens at run time/)
  })

  it('Rust: configuration/ read from the working directory (a zero2prod-like shape) and Tera templates', () => {
    const s = service({
      'Cargo.toml': '[package]\nname = "news"\n\n[dependencies]\nactix-web = "4"\ntera = "1"\n',
      'Cargo.lock': '',
      'src/main.rs': 'fn main() {\n    let tera = Tera::new("templates/**/*").unwrap();\n}\n',
      'src/configuration.rs': 'let base_path = std::env::current_dir().expect("cwd");\nlet configuration_directory = base_path.join("configuration");\n',
      'configuration/base.yaml': 'application:\n  port: 8000\n',
      'templates/home.html': '',
      'migrations/1_init.sql': '',
      'src/db.rs': 'sqlx::migrate!("./migrations").run(&pool).await?;\nlet s = include_str!("../static/x.txt");\n',
      'static/x.txt': '',
    })
    expect(s.app.runtimePaths).toEqual(['configuration', 'templates'])
  })

  it('Node with a build step: express.static outside the compiled tree and the default views folder', () => {
    const s = service({
      'package.json': json({ name: 'web', scripts: { build: 'tsc', start: 'node dist/server.js' }, dependencies: { express: '^5', ejs: '^3' } }),
      'package-lock.json': '{}',
      'tsconfig.json': '{"compilerOptions":{"outDir":"dist","rootDir":"src"}}',
      'src/server.ts': "import express from 'express'\nimport path from 'node:path'\nconst app = express()\napp.set('view engine', 'ejs')\napp.use(express.static(path.join(__dirname, '..', 'public')))\napp.use('/docs', express.static('docs-site'))\napp.listen(3000)\n",
      'public/logo.png': '',
      'views/index.ejs': '',
      'docs-site/index.html': '',
    })
    expect(s.app.runtimePaths).toEqual(['docs-site', 'public', 'views'])
    expect(evidenceOf(s, 'runtimePaths')[2]).toBe("src/server.ts: a view engine without app.set('views'): Express renders from ./views")
  })

  it('Node without a build step ships its whole source: nothing to list', () => {
    const s = service({ 'package.json': json({ name: 'web', scripts: { start: 'node server.js' }, dependencies: { express: '^5' } }), 'package-lock.json': '{}', 'server.js': "const app = require('express')()\napp.use(require('express').static('public'))\napp.listen(3000)\n", 'public/a.css': '' })
    expect(s.app.runtimePaths).toBeUndefined()
  })

  it('Python src layout: Flask templates outside the package, Jinja2Templates from the working directory', () => {
    const s = service({
      'pyproject.toml': '[project]\nname = "shop"\ndependencies = ["flask", "fastapi", "jinja2"]\n',
      'uv.lock': '',
      'src/shop/__init__.py': 'from flask import Flask\napp = Flask(__name__, template_folder="../../templates", static_folder="static")\n',
      'src/shop/api.py': 'from fastapi.templating import Jinja2Templates\ntemplates = Jinja2Templates(directory="emails")\n',
      'src/shop/static/a.css': '',
      'templates/base.html': '',
      'emails/welcome.html': '',
    })
    expect(s.app.srcLayout).toBe(true)
    expect(s.app.runtimePaths).toEqual(['emails', 'templates'])
  })
})
