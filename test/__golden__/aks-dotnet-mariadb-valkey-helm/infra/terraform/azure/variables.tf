variable "name" {
  description = "The app's name: prefixes every resource and, with the environment, names the Kubernetes namespace"
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,51}[a-z0-9]$", var.name))
    error_message = "name: lowercase letters, digits and dashes, 2 to 53 characters, starting with a letter."
  }
}

variable "environment" {
  description = "Which environment this stack is: dev, staging or prod (one state per environment)"
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment: one of dev, staging, prod."
  }
}

variable "location" {
  description = "Azure region of the stack (one with availability zones)"
  type        = string
  default     = "westeurope"
}

variable "tags" {
  description = "Tags added to every resource (cost center, owner...)"
  type        = map(string)
  default     = {}
}

variable "vnet_cidr" {
  description = "Address space of the VNet; the nodes get its first sixteenth, private endpoints and services small subnets after it"
  type        = string
  default     = "10.10.0.0/16"

  validation {
    condition     = can(cidrhost(var.vnet_cidr, 0)) && tonumber(split("/", var.vnet_cidr)[1]) <= 16
    error_message = "vnet_cidr: an IPv4 CIDR of /16 or larger."
  }
}

variable "kubernetes_version" {
  description = "AKS Kubernetes version (minor); patches follow the automatic upgrade channel"
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version: a minor version such as 1.34."
  }
}

variable "api_authorized_cidrs" {
  description = "CIDRs allowed to reach the Kubernetes API; empty makes the cluster private (API reachable from the VNet only)"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.api_authorized_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "api_authorized_cidrs: IPv4 CIDRs, and not 0.0.0.0/0."
  }
}

variable "system_vm_size" {
  description = "VM size of the system pool (cluster add-ons only)"
  type        = string
  default     = "Standard_D4ds_v5"
}

variable "user_vm_size" {
  description = "VM size of the user pool, where the app runs"
  type        = string
  default     = "Standard_D4ds_v5"
}

variable "user_min_count" {
  description = "Fewest user-pool nodes"
  type        = number
  default     = 2

  validation {
    condition     = var.user_min_count >= 1
    error_message = "user_min_count: at least 1."
  }
}

variable "user_max_count" {
  description = "Most user-pool nodes the autoscaler may add"
  type        = number
  default     = 6

  validation {
    condition     = var.user_max_count >= var.user_min_count
    error_message = "user_max_count: at least user_min_count."
  }
}

variable "spot_vm_size" {
  description = "VM size of the spot pool (starts empty; scales with pods that tolerate eviction)"
  type        = string
  default     = "Standard_D4ds_v5"
}

variable "spot_max_count" {
  description = "Most spot nodes"
  type        = number
  default     = 10
}

variable "log_retention_days" {
  description = "Days Log Analytics keeps control-plane and container logs"
  type        = number
  default     = 90

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 730
    error_message = "log_retention_days: 30 to 730."
  }
}

variable "create_registry" {
  description = "Create the container registry here; true in one stack only (prod), the others pull from it"
  type        = bool
  default     = false
}

variable "database_sku" {
  description = "SKU of the MariaDB flexible server"
  type        = string
  default     = "GP_Standard_D2ds_v5"
}

variable "database_storage_gb" {
  description = "Storage of the database in GB (it grows on its own)"
  type        = number
  default     = 32
}

variable "cache_sku" {
  description = "SKU of the Azure Managed Redis instance"
  type        = string
  default     = "Balanced_B1"
}

variable "ci_default_branch" {
  description = "The branch whose pipelines may push images"
  type        = string
  default     = "main"
}

variable "github_repository" {
  description = "The GitHub repository (owner/name) whose workflows may push and deploy"
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository: owner/name."
  }
}

variable "github_subject_repository" {
  description = "The repository as GitHub's OIDC tokens name it in `sub`: null for owner/name, or owner@<owner-id>/name@<repo-id> for repositories created after 2026-07-15 (a job's token shows which)"
  type        = string
  default     = null
}
