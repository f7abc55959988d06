# Valkey as Azure Managed Redis (the successor of Azure Cache for Redis; Valkey
# clients speak its protocol): TLS only, reached through a private endpoint only, highly available.
# EnterpriseCluster clustering gives one endpoint, so clients need no cluster mode.
locals {
  cache_host     = azurerm_managed_redis.cache.hostname
  cache_port     = azurerm_managed_redis.cache.default_database[0].port
  cache_password = azurerm_managed_redis.cache.default_database[0].primary_access_key
}

resource "azurerm_managed_redis" "cache" {
  name                      = "redis-${local.name}-${random_string.suffix.result}"
  location                  = azurerm_resource_group.main.location
  resource_group_name       = azurerm_resource_group.main.name
  sku_name                  = var.cache_sku
  high_availability_enabled = true
  public_network_access     = "Disabled"
  tags                      = local.tags

  default_database {
    # The app authenticates with a password (the access key, kept in the app secret).
    access_keys_authentication_enabled = true
    client_protocol                    = "Encrypted"
    clustering_policy                  = "EnterpriseCluster"
    eviction_policy                    = "VolatileLRU"
  }
}

resource "azurerm_private_dns_zone" "cache" {
  name                = "privatelink.redis.azure.net"
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "cache" {
  name                = "cache"
  private_dns_zone_id = azurerm_private_dns_zone.cache.id
  virtual_network_id  = azurerm_virtual_network.main.id
  tags                = local.tags
}

resource "azurerm_private_endpoint" "cache" {
  name                = "pe-${local.name}-redis"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  subnet_id           = azurerm_subnet.endpoints.id
  tags                = local.tags

  private_service_connection {
    name                           = "redis"
    private_connection_resource_id = azurerm_managed_redis.cache.id
    subresource_names              = ["redisEnterprise"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "redis"
    private_dns_zone_ids = [azurerm_private_dns_zone.cache.id]
  }
}
