# The app's credentials, one secret per environment, in the shape the chart's ExternalSecret
# reads: a JSON object whose keys are the app's environment variables.
resource "azurerm_key_vault_secret" "app" {
  #checkov:skip=CKV_AZURE_41:the passwords are generated here and change only when Terraform rotates them
  name         = "${var.name}-${var.environment}"
  key_vault_id = azurerm_key_vault.main.id
  content_type = "application/json"
  value = jsonencode({
    MARIADB_PASSWORD = local.database_password
    CACHE_PASSWORD   = local.cache_password
  })

  depends_on = [azurerm_role_assignment.deployer_key_vault]
}

# External Secrets Operator (namespace external-secrets, service account external-secrets)
# reads the secret through workload identity: a managed identity trusted by the cluster's OIDC
# issuer, allowed to read this vault's secrets and nothing else.
resource "azurerm_user_assigned_identity" "external_secrets" {
  name                = "id-${local.name}-external-secrets"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "external_secrets" {
  name                      = "external-secrets"
  user_assigned_identity_id = azurerm_user_assigned_identity.external_secrets.id
  issuer                    = azurerm_kubernetes_cluster.main.oidc_issuer_url
  subject                   = "system:serviceaccount:external-secrets:external-secrets"
  audience                  = ["api://AzureADTokenExchange"]
}

resource "azurerm_role_assignment" "external_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.external_secrets.principal_id
}
