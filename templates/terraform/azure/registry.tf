# One registry for every environment: images are built once and promoted by digest. The prod
# stack creates it (create_registry); the other clusters get pull access to it by name.
resource "azurerm_container_registry" "main" {
  #checkov:skip=CKV_AZURE_139:CI pushes from hosted runners over the public endpoint; only Entra ID identities (AcrPush) can, admin user off
  #checkov:skip=CKV_AZURE_165:one region; add georeplications when the clusters span regions
  #checkov:skip=CKV_AZURE_166:quarantine needs a scanner that releases images; Defender scans them after push instead
  #checkov:skip=CKV_AZURE_237:dedicated data endpoints matter behind firewall rules, which this registry does not use
  count                         = var.create_registry ? 1 : 0
  name                          = "cr${substr(replace(var.name, "-", ""), 0, 40)}${random_string.suffix.result}"
  location                      = azurerm_resource_group.main.location
  resource_group_name           = azurerm_resource_group.main.name
  sku                           = "Premium"
  admin_enabled                 = false
  public_network_access_enabled = true
  zone_redundancy_enabled       = true
  anonymous_pull_enabled        = false
  retention_policy_in_days      = 14
  tags                          = local.tags
}

# Microsoft Defender for Containers scans the registry's images for vulnerabilities. It is a
# subscription setting: the stack that creates the registry turns it on.
resource "azurerm_security_center_subscription_pricing" "containers" {
  count         = var.create_registry ? 1 : 0
  tier          = "Standard"
  resource_type = "Containers"
}

# The kubelet identity of this environment's cluster pulls images.
resource "azurerm_role_assignment" "cluster_pull" {
  count                            = var.create_registry ? 1 : 0
  scope                            = azurerm_container_registry.main[0].id
  role_definition_name             = "AcrPull"
  principal_id                     = azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id
  skip_service_principal_aad_check = true
}
