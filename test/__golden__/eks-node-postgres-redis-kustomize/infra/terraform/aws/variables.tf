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
  description = "AWS region of the stack"
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region: an AWS region such as us-east-1."
  }
}

variable "zone_suffixes" {
  description = "The three availability zones, as letters after the region (us-east-1 + a)"
  type        = list(string)
  default     = ["a", "b", "c"]

  validation {
    condition     = length(var.zone_suffixes) == 3 && alltrue([for z in var.zone_suffixes : can(regex("^[a-z]$", z))])
    error_message = "zone_suffixes: three single letters, such as [\"a\", \"b\", \"c\"]."
  }
}

variable "tags" {
  description = "Tags added to every resource (cost center, owner...)"
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; split into three public and three private subnets"
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr: an IPv4 CIDR of /20 or larger."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (minor), e.g. 1.35"
  type        = string
  default     = "1.35"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version: a minor version such as 1.35."
  }
}

variable "api_public_cidrs" {
  description = "CIDRs allowed to reach the Kubernetes API from the internet; empty keeps it private to the VPC"
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.api_public_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "api_public_cidrs: IPv4 CIDRs, and not 0.0.0.0/0."
  }
}

variable "node_instance_types" {
  description = "Instance types of the on-demand node group"
  type        = list(string)
  default     = ["m7i.large"]
}

variable "node_min_size" {
  description = "Fewest on-demand nodes (spread over the zones)"
  type        = number
  default     = 2

  validation {
    condition     = var.node_min_size >= 1
    error_message = "node_min_size: at least 1."
  }
}

variable "node_max_size" {
  description = "Most on-demand nodes the autoscaler may add"
  type        = number
  default     = 6

  validation {
    condition     = var.node_max_size >= var.node_min_size
    error_message = "node_max_size: at least node_min_size."
  }
}

variable "spot_instance_types" {
  description = "Instance types of the spot node group; several, as spot capacity of one type can run out"
  type        = list(string)
  default     = ["m7i.large", "m6i.large", "m6a.large", "m5.large"]
}

variable "spot_max_size" {
  description = "Most spot nodes (the group starts empty and scales with tolerating pods)"
  type        = number
  default     = 10
}

variable "log_retention_days" {
  description = "Days to keep control-plane and VPC flow logs"
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days: a CloudWatch retention of at least a year (365, 400, 545, 731, ...)."
  }
}

variable "create_registry" {
  description = "Create the ECR repository here; true in one stack only (prod), the others pull from it"
  type        = bool
  default     = false
}

variable "database_instance_class" {
  description = "Instance class of the PostgreSQL database"
  type        = string
  default     = "db.t4g.medium"
}

variable "database_storage_gb" {
  description = "Initial storage of the database in GB; it grows up to five times this on its own"
  type        = number
  default     = 20

  validation {
    condition     = var.database_storage_gb >= 20
    error_message = "database_storage_gb: at least 20."
  }
}

variable "cache_node_type" {
  description = "ElastiCache node type of the Redis cache"
  type        = string
  default     = "cache.t4g.small"
}

variable "create_ci_oidc_provider" {
  description = "Create the CI OIDC provider in this stack's account; AWS allows one per account, so false in the stacks that share it"
  type        = bool
  default     = true
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
