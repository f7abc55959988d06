output "resource_group" {
  description = "The stack's resource group"
  value       = azurerm_resource_group.main.name
}

output "cluster_name" {
  description = "The AKS cluster: az aks get-credentials --resource-group <resource_group> --name <this>"
  value       = azurerm_kubernetes_cluster.main.name
}

output "oidc_issuer_url" {
  description = "The cluster's OIDC issuer, for more workload identity federations"
  value       = azurerm_kubernetes_cluster.main.oidc_issuer_url
}

output "key_vault_url" {
  description = "The Key Vault holding the app secret (the ClusterSecretStore's vaultUrl)"
  value       = azurerm_key_vault.main.vault_uri
}

output "app_secret_name" {
  description = "Key Vault secret with the app's credentials (the chart's externalSecret.remoteKey)"
  value       = azurerm_key_vault_secret.app.name
}

output "external_secrets_client_id" {
  description = "Client ID for External Secrets Operator's service account (azure.workload.identity/client-id annotation)"
  value       = azurerm_user_assigned_identity.external_secrets.client_id
}

output "registry_url" {
  description = "The registry the images are pushed to (in the stack with create_registry)"
  value       = var.create_registry ? azurerm_container_registry.main[0].login_server : null
}

output "database_host" {
  description = "Private host of the MariaDB database (the host in the chart's connectionUrls)"
  value       = local.database_host
}

output "database_port" {
  description = "Port of the database"
  value       = local.database_port
}

output "cache_host" {
  description = "Private host of the Valkey cache (the host in the chart's connectionUrls)"
  value       = local.cache_host
}

output "cache_port" {
  description = "Port of the cache"
  value       = local.cache_port
}

output "ci_repository_variables" {
  description = "Repository-level CI variables the pipelines read (set them once, from the stack that creates the registry)"
  value = var.create_registry ? {
    AZURE_CLIENT_ID       = azurerm_user_assigned_identity.ci_push[0].client_id
    AZURE_TENANT_ID       = data.azurerm_client_config.current.tenant_id
    AZURE_SUBSCRIPTION_ID = data.azurerm_client_config.current.subscription_id
    IMAGE_REPOSITORY      = "${azurerm_container_registry.main[0].login_server}/${var.name}"
  } : {}
}

output "ci_environment_variables" {
  description = "Variables of this environment's GitHub environment, read by the deploy job"
  value = {
    AZURE_CLIENT_ID       = azurerm_user_assigned_identity.ci_deploy.client_id
    AZURE_TENANT_ID       = data.azurerm_client_config.current.tenant_id
    AZURE_SUBSCRIPTION_ID = data.azurerm_client_config.current.subscription_id
    AKS_RESOURCE_GROUP    = azurerm_resource_group.main.name
    AKS_CLUSTER_NAME      = azurerm_kubernetes_cluster.main.name
  }
}
