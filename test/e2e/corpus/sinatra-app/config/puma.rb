workers Integer(ENV.fetch("WEB_CONCURRENCY", 0))
threads_count = Integer(ENV.fetch("PUMA_MAX_THREADS", 5))
threads threads_count, threads_count

port ENV.fetch "PORT", 4567
environment ENV.fetch "RACK_ENV", "development"
