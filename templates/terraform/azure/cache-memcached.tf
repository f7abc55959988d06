# Azure has no managed Memcached: it runs as a private Azure Container Instances group in its
# own subnet, reachable from the VNet only. Memcached has no password and keeps nothing on disk.
# (Running it in the cluster instead is as valid; this keeps the cache off the app's nodes.)
locals {
  cache_host = azurerm_container_group.cache.ip_address
  cache_port = 11211
}

resource "azurerm_subnet" "cache" {
  name                 = "cache"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.vnet_cidr, 8, 18)]

  delegation {
    name = "container-instances"
    service_delegation {
      name    = "Microsoft.ContainerInstance/containerGroups"
      actions = ["Microsoft.Network/virtualNetworks/subnets/action"]
    }
  }
}

resource "azurerm_subnet_network_security_group_association" "cache" {
  subnet_id                 = azurerm_subnet.cache.id
  network_security_group_id = azurerm_network_security_group.main.id
}

resource "azurerm_container_group" "cache" {
  name                = "ci-${local.name}-memcached"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  os_type             = "Linux"
  ip_address_type     = "Private"
  subnet_ids          = [azurerm_subnet.cache.id]
  restart_policy      = "Always"
  tags                = local.tags

  # No secrets to fetch today; an identity lets the group pull from a private registry later.
  identity {
    type = "SystemAssigned"
  }

  container {
    name   = "memcached"
    image  = "docker.io/library/memcached:1.6.39-alpine"
    cpu    = 1
    memory = var.cache_memory_gb
    # Memory for items: most of the container's, the rest for connections.
    commands = ["memcached", "--memory-limit=${floor(var.cache_memory_gb * 1024 * 0.8)}", "--conn-limit=4096"]

    ports {
      port     = 11211
      protocol = "TCP"
    }
  }
}
