require_relative "config/application"

run LinkShortener
