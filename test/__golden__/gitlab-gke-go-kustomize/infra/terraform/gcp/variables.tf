variable "project_id" {
  description = "The Google Cloud project of the stack (one project may hold every environment)"
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id: a Google Cloud project ID (6 to 30 lowercase letters, digits, dashes)."
  }
}

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

variable "region" {
  description = "Region of the cluster (regional: three zones) and the data services"
  type        = string
  default     = "europe-west1"
}

variable "labels" {
  description = "Labels added to every resource (cost center, owner...)"
  type        = map(string)
  default     = {}
}

variable "nodes_cidr" {
  description = "Primary range of the node subnet"
  type        = string
  default     = "10.20.0.0/20"

  validation {
    condition     = can(cidrhost(var.nodes_cidr, 0))
    error_message = "nodes_cidr: an IPv4 CIDR."
  }
}

variable "pods_cidr" {
  description = "Secondary range for pods"
  type        = string
  default     = "10.24.0.0/14"

  validation {
    condition     = can(cidrhost(var.pods_cidr, 0))
    error_message = "pods_cidr: an IPv4 CIDR."
  }
}

variable "services_cidr" {
  description = "Secondary range for Services"
  type        = string
  default     = "10.20.16.0/20"

  validation {
    condition     = can(cidrhost(var.services_cidr, 0))
    error_message = "services_cidr: an IPv4 CIDR."
  }
}

variable "master_cidr" {
  description = "The /28 the control plane's private endpoint uses; must not overlap the VPC's ranges"
  type        = string
  default     = "172.16.0.0/28"

  validation {
    condition     = can(cidrhost(var.master_cidr, 0)) && endswith(var.master_cidr, "/28")
    error_message = "master_cidr: an IPv4 /28."
  }
}

variable "master_authorized_cidrs" {
  description = "CIDRs allowed to reach the Kubernetes API; empty keeps the endpoint private (reachable from the VPC only)"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.master_authorized_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "master_authorized_cidrs: IPv4 CIDRs, and not 0.0.0.0/0."
  }
}

variable "kubernetes_version" {
  description = "Minimum GKE version (minor); the REGULAR release channel upgrades from there"
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version: a minor version such as 1.34."
  }
}

variable "machine_type" {
  description = "Machine type of both node pools"
  type        = string
  default     = "e2-standard-4"
}

variable "node_min_count" {
  description = "Fewest nodes per zone in the main pool"
  type        = number
  default     = 1

  validation {
    condition     = var.node_min_count >= 1
    error_message = "node_min_count: at least 1."
  }
}

variable "node_max_count" {
  description = "Most nodes per zone in the main pool"
  type        = number
  default     = 3

  validation {
    condition     = var.node_max_count >= var.node_min_count
    error_message = "node_max_count: at least node_min_count."
  }
}

variable "spot_max_count" {
  description = "Most spot nodes per zone (the pool starts empty; scales with pods that tolerate it)"
  type        = number
  default     = 3
}

variable "create_registry" {
  description = "Create the Artifact Registry repository here; true in one stack only (prod), the others pull from it"
  type        = bool
  default     = false
}

variable "database_tier" {
  description = "Cloud SQL machine tier of the PostgreSQL database"
  type        = string
  default     = "db-custom-2-7680"
}

variable "database_disk_gb" {
  description = "Initial disk of the database in GB (it grows on its own)"
  type        = number
  default     = 20
}

variable "gitlab_url" {
  description = "URL of the GitLab instance whose ID tokens the pool trusts"
  type        = string
  default     = "https://gitlab.com"

  validation {
    condition     = can(regex("^https://[^/]+$", var.gitlab_url))
    error_message = "gitlab_url: https://host, without a trailing slash."
  }
}

variable "gitlab_project_path" {
  description = "The GitLab project (group/project) whose pipelines the pool trusts"
  type        = string
}
