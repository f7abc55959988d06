data "google_project" "current" {}

locals {
  # One stack per environment: every resource name carries both.
  name = "${var.name}-${var.environment}"
  prod = var.environment == "prod"
  # Service account and pool ids stop at 30 and 32 characters.
  short = trimsuffix(substr(local.name, 0, 21), "-")
  labels = merge(var.labels, {
    app         = var.name
    environment = var.environment
    managed-by  = "terraform"
  })
}

# The APIs the stack uses; left enabled on destroy, as other stacks in the project may use them.
resource "google_project_service" "main" {
  for_each = toset([
    "cloudkms.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "containerscanning.googleapis.com",
    "artifactregistry.googleapis.com",
    "iamcredentials.googleapis.com",
    "secretmanager.googleapis.com",
    "sts.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}
