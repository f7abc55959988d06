import { describe, expect, it } from 'vitest'
import { expectEvidence, run, service } from './helpers.js'

describe('framework: dependencies first, layout second', () => {
  it('a manage.py that runs flask.cli in a Flask app is Flask, not Django; gunicorn serves the Flask app', () => {
    const s = service(
      run({
        'requirements.txt': 'flask==3.1.0 --hash=sha256:a\nflask-sqlalchemy==3.1 --hash=sha256:b\npsycopg2-binary==2.9 --hash=sha256:c\ngunicorn==23 --hash=sha256:d\n',
        'requirements-dev.txt': '',
        'manage.py': 'from flask.cli import FlaskGroup\n\nfrom project import app, db\n\ncli = FlaskGroup(app)\n\nif __name__ == "__main__":\n    cli()\n',
        'project/__init__.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
      }),
    )
    expect(s.framework?.value).toBe('flask')
    expectEvidence(s.framework?.evidence, 'requirements.txt', /depends on Flask \(manage\.py runs flask\.cli, not Django\)/)
    expect(s.app.wsgiApp).toBe('project:app')
    expect(s.startCommand?.value).toBe('gunicorn project:app')
    expect(s.port?.value).toBe(8000)
    expect(s.database.value).toBe('postgres')
  })

  it("Django's manage.py without any framework dependency is still Django (layout, second)", () => {
    const s = service(run({ 'requirements.txt': 'psycopg==3\n', 'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\nfrom django.core.management import execute_from_command_line\n' }))
    expect(s.framework).toMatchObject({ value: 'django', confidence: 'medium' })
    expectEvidence(s.framework?.evidence, 'manage.py', /Django's manage\.py/)
  })

  it('config/application.rb without the rails gem is not Rails: Sinatra in the Gemfile decides, and Puma serves config.ru', () => {
    const s = service(
      run({
        Gemfile: "source 'https://rubygems.org'\ngem 'sinatra'\ngem 'sinatra-contrib'\ngem 'puma'\ngem 'sequel'\ngem 'pg'\n",
        'Gemfile.lock': 'GEM\n',
        'config/application.rb': "require 'sinatra/base'\nclass App < Sinatra::Base\nend\n",
        'config.ru': "require './config/application'\nrun App\n",
        'config/puma.rb': 'port ENV.fetch("PORT") { 9292 }\n',
      }),
    )
    expect(s.framework?.value).toBe('sinatra')
    expectEvidence(s.framework?.evidence, 'Gemfile', /gem "sinatra"; config\/application\.rb is not Rails without the rails gem/)
    expect(s.port?.value).toBe(9292)
    expect(s.database.value).toBe('postgres')
  })

  it('a Roda app with config/application.rb is a Rack app run like Sinatra', () => {
    const s = service(run({ Gemfile: "gem 'roda'\ngem 'puma'\n", 'Gemfile.lock': '', 'config/application.rb': 'class App < Roda; end\n', 'config.ru': 'run App.freeze.app\n' }))
    expect(s.framework?.value).toBe('sinatra')
    expect(s.frameworkName).toBe('Roda')
  })

  it('the rails gem is Rails', () => {
    const s = service(run({ Gemfile: "gem 'rails', '~> 8.0'\n", 'Gemfile.lock': '', 'config/application.rb': 'module X; class Application < Rails::Application; end; end\n' }))
    expect(s.framework).toMatchObject({ value: 'rails', confidence: 'high' })
  })
})
