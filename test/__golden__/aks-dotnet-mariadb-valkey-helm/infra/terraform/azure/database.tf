# MariaDB on Azure Database for MySQL flexible server (Azure Database for
# MariaDB was retired in 2025; MySQL flexible server is its migration target, and MariaDB
# clients speak to it): in a delegated subnet with no public endpoint, encrypted, backed up
# (geo-redundant and zone-redundant HA in production).
locals {
  database_host     = azurerm_mysql_flexible_server.database.fqdn
  database_port     = 3306
  database_password = random_password.database.result
}

resource "random_password" "database" {
  length = 32
  # URL-safe: the app builds its connection URL from it.
  special = false
}

resource "azurerm_subnet" "database" {
  name                 = "database"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.vnet_cidr, 8, 17)]

  delegation {
    name = "mysql"
    service_delegation {
      name    = "Microsoft.DBforMySQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_subnet_network_security_group_association" "database" {
  subnet_id                 = azurerm_subnet.database.id
  network_security_group_id = azurerm_network_security_group.main.id
}

resource "azurerm_private_dns_zone" "database" {
  name                = "${local.name}.mysql.database.azure.com"
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "database" {
  name                = "database"
  private_dns_zone_id = azurerm_private_dns_zone.database.id
  virtual_network_id  = azurerm_virtual_network.main.id
  tags                = local.tags
}

resource "azurerm_mysql_flexible_server" "database" {
  #checkov:skip=CKV2_AZURE_56:VNet integration (a delegated subnet, no public endpoint) keeps it private without a private endpoint
  #checkov:skip=CKV_AZURE_53:checkov reads public_network_access_enabled, which this resource does not have; public_network_access is Disabled
  name                         = "mysql-${local.name}-${random_string.suffix.result}"
  location                     = azurerm_resource_group.main.location
  resource_group_name          = azurerm_resource_group.main.name
  version                      = "8.4"
  sku_name                     = var.database_sku
  zone                         = "1"
  delegated_subnet_id          = azurerm_subnet.database.id
  private_dns_zone_id          = azurerm_private_dns_zone.database.id
  administrator_login          = "app"
  administrator_password       = random_password.database.result
  backup_retention_days        = local.prod ? 35 : 7
  geo_redundant_backup_enabled = local.prod
  public_network_access        = "Disabled"
  tags                         = local.tags

  storage {
    size_gb           = var.database_storage_gb
    auto_grow_enabled = true
  }

  dynamic "high_availability" {
    for_each = local.prod ? [1] : []
    content {
      mode                      = "ZoneRedundant"
      standby_availability_zone = "2"
    }
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.database]
}

resource "azurerm_mysql_flexible_database" "app" {
  name                = "app"
  resource_group_name = azurerm_resource_group.main.name
  server_name         = azurerm_mysql_flexible_server.database.name
  charset             = "utf8mb4"
  collation           = "utf8mb4_0900_ai_ci"
}

# Connections without TLS are refused; slow queries are logged.
resource "azurerm_mysql_flexible_server_configuration" "database" {
  for_each = {
    require_secure_transport = "ON"
    slow_query_log           = "ON"
    long_query_time          = "1"
  }
  name                = each.key
  resource_group_name = azurerm_resource_group.main.name
  server_name         = azurerm_mysql_flexible_server.database.name
  value               = each.value
}
