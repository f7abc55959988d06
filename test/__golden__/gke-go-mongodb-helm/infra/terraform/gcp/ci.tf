# GitHub Actions signs in through Workload Identity Federation: no service account keys. The pool
# trusts only this repository's tokens; each service account trusts one workflow context.
resource "google_iam_workload_identity_pool" "ci" {
  workload_identity_pool_id = "${local.short}-ci"
  display_name              = "CI of ${local.short}"
  description               = "GitHub Actions of ${var.github_repository}"

  depends_on = [google_project_service.main]
}

resource "google_iam_workload_identity_pool_provider" "ci" {
  #checkov:skip=CKV_GCP_125:the pool admits this repository only (assertion.repository); each service account then trusts one environment or ref, not the whole sub
  workload_identity_pool_id          = google_iam_workload_identity_pool.ci.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  display_name                       = "GitHub Actions"
  attribute_condition                = "assertion.repository == \"${var.github_repository}\""
  attribute_mapping = {
    "google.subject"        = "assertion.sub"
    "attribute.repository"  = "assertion.repository"
    "attribute.environment" = "assertion.environment"
    "attribute.ref"         = "assertion.ref"
    "attribute.ref_type"    = "assertion.ref_type"
  }

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

# The deploy job of this environment (GitHub environment "dev", "staging" or "prod", whose
# protection rules gate it) deploys to the cluster (Kubernetes Engine Developer).
resource "google_service_account" "ci_deploy" {
  account_id   = "${local.short}-deploy"
  display_name = "CI deploys to ${local.name}"
}

resource "google_service_account_iam_member" "ci_deploy" {
  service_account_id = google_service_account.ci_deploy.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/attribute.environment/${var.environment}"
}

resource "google_project_iam_member" "ci_deploy" {
  project = var.project_id
  role    = "roles/container.developer"
  member  = "serviceAccount:${google_service_account.ci_deploy.email}"
}

# The image job (default branch and tags) may push to the repository, and nothing else.
resource "google_service_account" "ci_push" {
  count        = var.create_registry ? 1 : 0
  account_id   = "${substr(var.name, 0, 22)}-push"
  display_name = "CI pushes images of ${var.name}"
}

resource "google_service_account_iam_member" "ci_push" {
  for_each = var.create_registry ? toset([
    "attribute.ref/refs/heads/${var.ci_default_branch}",
    "attribute.ref_type/tag",
  ]) : toset([])
  service_account_id = google_service_account.ci_push[0].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/${each.value}"
}

resource "google_artifact_registry_repository_iam_member" "ci_push" {
  count      = var.create_registry ? 1 : 0
  repository = google_artifact_registry_repository.app[0].name
  location   = var.region
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.ci_push[0].email}"
}
