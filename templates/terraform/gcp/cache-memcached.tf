# Memcached on Memorystore for Memcached: private addresses only. Memcached has no password and
# keeps nothing on disk; the VPC is its access control.
locals {
  cache_host = split(":", google_memcache_instance.cache.discovery_endpoint)[0]
  cache_port = 11211
}

resource "google_memcache_instance" "cache" {
  name               = local.name
  region             = var.region
  authorized_network = google_compute_network.main.id
  node_count         = local.prod ? 3 : 1
  memcache_version   = "MEMCACHE_1_6_15"
  labels             = local.labels

  node_config {
    cpu_count      = 1
    memory_size_mb = var.cache_memory_mb
  }

  depends_on = [google_service_networking_connection.services]
}
