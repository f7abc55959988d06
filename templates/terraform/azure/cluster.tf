# AKS with Entra ID sign-in only, Azure RBAC, workload identity and an OIDC issuer; a system pool
# for cluster add-ons, an autoscaling user pool for apps, and a spot pool that AKS taints so
# only pods that tolerate eviction land on it.
resource "azurerm_user_assigned_identity" "cluster" {
  name                = "id-${local.name}-cluster"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

# The control plane encrypts Kubernetes secrets with the vault's key (KMS etcd encryption).
resource "azurerm_role_assignment" "cluster_kms" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Crypto User"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
}

# The cluster identity joins the nodes to the VNet.
resource "azurerm_role_assignment" "cluster_network" {
  scope                = azurerm_virtual_network.main.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
}

resource "azurerm_kubernetes_cluster" "main" {
  #checkov:skip=CKV_AZURE_170:dev and staging use the free tier; prod gets the Standard tier and its SLA
  #checkov:skip=CKV_AZURE_117:OS disks are ephemeral (nothing persists on them) and host encryption covers temp disks and caches
  name                      = "aks-${local.name}"
  location                  = azurerm_resource_group.main.location
  resource_group_name       = azurerm_resource_group.main.name
  dns_prefix                = local.name
  kubernetes_version        = var.kubernetes_version
  sku_tier                  = local.prod ? "Standard" : "Free"
  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  local_account_disabled    = true
  azure_policy_enabled      = true
  # With no authorized CIDRs the API server is private (reachable from the VNet only).
  private_cluster_enabled = length(var.api_authorized_cidrs) == 0
  tags                    = local.tags

  dynamic "api_server_access_profile" {
    for_each = length(var.api_authorized_cidrs) > 0 ? [1] : []
    content {
      authorized_ip_ranges = var.api_authorized_cidrs
    }
  }

  default_node_pool {
    name                         = "system"
    vm_size                      = var.system_vm_size
    vnet_subnet_id               = azurerm_subnet.nodes.id
    zones                        = ["1", "2", "3"]
    auto_scaling_enabled         = true
    min_count                    = 2
    max_count                    = 3
    max_pods                     = 50
    os_disk_type                 = "Ephemeral"
    os_disk_size_gb              = 64
    host_encryption_enabled      = true
    only_critical_addons_enabled = true
    temporary_name_for_rotation  = "systemtmp"

    upgrade_settings {
      max_surge = "33%"
    }
  }

  # The pools are the ones declared here (system, user, spot), not provisioned automatically.
  node_provisioning_profile {
    mode = "Manual"
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.cluster.id]
  }

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
    tenant_id          = data.azurerm_client_config.current.tenant_id
  }

  key_management_service {
    key_vault_key_id         = azurerm_key_vault_key.etcd.id
    key_vault_network_access = "Public"
  }

  key_vault_secrets_provider {
    secret_rotation_enabled = true
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    network_policy      = "cilium"
    outbound_type       = "userAssignedNATGateway"
  }

  oms_agent {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id
  }

  depends_on = [
    azurerm_role_assignment.cluster_kms,
    azurerm_role_assignment.cluster_network,
    azurerm_subnet_nat_gateway_association.nodes,
  ]
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                    = "user"
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.main.id
  vm_size                 = var.user_vm_size
  vnet_subnet_id          = azurerm_subnet.nodes.id
  zones                   = ["1", "2", "3"]
  auto_scaling_enabled    = true
  min_count               = var.user_min_count
  max_count               = var.user_max_count
  max_pods                = 50
  os_disk_type            = "Ephemeral"
  os_disk_size_gb         = 64
  host_encryption_enabled = true
  mode                    = "User"
  tags                    = local.tags

  upgrade_settings {
    max_surge = "33%"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "spot" {
  name                    = "spot"
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.main.id
  vm_size                 = var.spot_vm_size
  vnet_subnet_id          = azurerm_subnet.nodes.id
  zones                   = ["1", "2", "3"]
  priority                = "Spot"
  eviction_policy         = "Delete"
  spot_max_price          = -1
  auto_scaling_enabled    = true
  min_count               = 0
  max_count               = var.spot_max_count
  max_pods                = 50
  os_disk_type            = "Ephemeral"
  os_disk_size_gb         = 64
  host_encryption_enabled = true
  mode                    = "User"
  # AKS adds this taint to spot pools itself; declaring it keeps plans clean.
  node_taints = ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]
  tags        = local.tags
}

# Control-plane logs (API server, audit, controller manager, scheduler) go to Log Analytics.
resource "azurerm_monitor_diagnostic_setting" "cluster" {
  name                       = "control-plane"
  target_resource_id         = azurerm_kubernetes_cluster.main.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id

  dynamic "enabled_log" {
    for_each = ["kube-apiserver", "kube-audit-admin", "kube-controller-manager", "kube-scheduler", "cluster-autoscaler", "guard"]
    content {
      category = enabled_log.value
    }
  }
}
