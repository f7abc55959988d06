data "azurerm_client_config" "current" {}

locals {
  # One stack per environment: every resource name carries both.
  name = "${var.name}-${var.environment}"
  prod = var.environment == "prod"
  # Key Vault and registry names are global and short: a stable random suffix keeps them unique.
  compact = substr(replace(local.name, "-", ""), 0, 16)
  tags = merge(var.tags, {
    app         = var.name
    environment = var.environment
    managed-by  = "terraform"
  })
}

resource "random_string" "suffix" {
  length  = 6
  special = false
  upper   = false
}

resource "azurerm_resource_group" "main" {
  name     = "rg-${local.name}"
  location = var.location
  tags     = local.tags
}

resource "azurerm_log_analytics_workspace" "main" {
  name                = "log-${local.name}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = local.tags
}
