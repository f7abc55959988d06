# GitHub Actions signs in as managed identities through federated credentials: no stored secrets.
# Federated credentials match one subject exactly, so each identity trusts one workflow context.

locals {
  github_subject = coalesce(var.github_subject_repository, var.github_repository)
}

# The deploy job of this environment (GitHub environment "dev", "staging" or "prod", whose
# protection rules gate it) may reach this cluster, and inside it only the app's namespace.
resource "azurerm_user_assigned_identity" "ci_deploy" {
  name                = "id-${local.name}-ci-deploy"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "ci_deploy" {
  name                      = "github-${var.environment}"
  user_assigned_identity_id = azurerm_user_assigned_identity.ci_deploy.id
  issuer                    = "https://token.actions.githubusercontent.com"
  subject                   = "repo:${local.github_subject}:environment:${var.environment}"
  audience                  = ["api://AzureADTokenExchange"]
}

# Fetch a kubeconfig (az aks get-credentials)...
resource "azurerm_role_assignment" "ci_deploy_cluster_user" {
  scope                = azurerm_kubernetes_cluster.main.id
  role_definition_name = "Azure Kubernetes Service Cluster User Role"
  principal_id         = azurerm_user_assigned_identity.ci_deploy.principal_id
}

# ...and manage the app's resources in its namespace only (Azure RBAC for Kubernetes).
resource "azurerm_role_assignment" "ci_deploy_namespace" {
  scope                = "${azurerm_kubernetes_cluster.main.id}/namespaces/${var.name}-${var.environment}"
  role_definition_name = "Azure Kubernetes Service RBAC Admin"
  principal_id         = azurerm_user_assigned_identity.ci_deploy.principal_id
}

# The image job on the default branch may push to the registry, and nothing else. A federated
# credential matches one subject exactly, so release tags (refs/tags/v*) need one credential
# each, or a GitHub environment for releases whose subject is added here.
resource "azurerm_user_assigned_identity" "ci_push" {
  count               = var.create_registry ? 1 : 0
  name                = "id-${var.name}-ci-push"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "ci_push" {
  count                     = var.create_registry ? 1 : 0
  name                      = "github-${var.ci_default_branch}"
  user_assigned_identity_id = azurerm_user_assigned_identity.ci_push[0].id
  issuer                    = "https://token.actions.githubusercontent.com"
  subject                   = "repo:${local.github_subject}:ref:refs/heads/${var.ci_default_branch}"
  audience                  = ["api://AzureADTokenExchange"]
}

resource "azurerm_role_assignment" "ci_push" {
  count                = var.create_registry ? 1 : 0
  scope                = azurerm_container_registry.main[0].id
  role_definition_name = "AcrPush"
  principal_id         = azurerm_user_assigned_identity.ci_push[0].principal_id
}
