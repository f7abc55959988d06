# The subscription comes from ARM_SUBSCRIPTION_ID (the pipeline sets it) or the Azure CLI login.
provider "azurerm" {
  storage_use_azuread = true

  features {
    key_vault {
      # A deleted vault stays recoverable (purge protection); Terraform never purges it.
      purge_soft_delete_on_destroy = false
    }
  }
}
