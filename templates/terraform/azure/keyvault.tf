# The environment's Key Vault: the app's secret, and the key that encrypts Kubernetes secrets in
# etcd. Access is Azure RBAC only; deleted items stay recoverable for 90 days.
resource "azurerm_key_vault" "main" {
  #checkov:skip=CKV_AZURE_109:Terraform writes the app secret from CI runners outside the VNet; access is Entra ID RBAC only
  #checkov:skip=CKV_AZURE_189:same reason: the pipeline's runners reach the vault over its public endpoint
  #checkov:skip=CKV2_AZURE_32:same reason: a private endpoint alone would lock the pipeline out
  name                       = "kv-${local.compact}-${random_string.suffix.result}"
  location                   = azurerm_resource_group.main.location
  resource_group_name        = azurerm_resource_group.main.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "premium"
  rbac_authorization_enabled = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 90
  tags                       = local.tags

  network_acls {
    default_action = "Allow"
    bypass         = "AzureServices"
  }
}

# Whoever applies the stack manages the vault's keys and secrets.
resource "azurerm_role_assignment" "deployer_key_vault" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Administrator"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "azurerm_key_vault_key" "etcd" {
  #checkov:skip=CKV_AZURE_40:the rotation policy renews the key a month before its two-year expiry
  name         = "etcd-encryption"
  key_vault_id = azurerm_key_vault.main.id
  key_type     = "RSA-HSM"
  key_size     = 2048
  key_opts     = ["decrypt", "encrypt", "unwrapKey", "wrapKey"]

  rotation_policy {
    expire_after         = "P2Y"
    notify_before_expiry = "P30D"

    automatic {
      time_before_expiry = "P30D"
    }
  }

  depends_on = [azurerm_role_assignment.deployer_key_vault]
}
