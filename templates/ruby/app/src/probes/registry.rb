# frozen_string_literal: true

module App
  # Readiness probes that speak each service's wire protocol with the
  # standard library only, so the app's dependencies (and Gemfile.lock) are
  # the same whichever services it uses. Each probe module has SCHEMES and
  # probe(url, timeout:), and registers itself here under its id.
  module Probes
    @all = {}

    def self.register(id, probe)
      @all[id] = probe
    end

    # The probe module registered under +id+ ("postgres", "redis", ...).
    def self.fetch(id)
      @all.fetch(id)
    end
  end
end
