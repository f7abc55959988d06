# Boots the app's own pieces in order; config.ru and the console both require this file.
require "bundler/setup"
Bundler.require(:default, ENV.fetch("RACK_ENV", "development").to_sym)

require_relative "../lib/db"
require_relative "../lib/cache"
require_relative "../app"
