# GitLab CI signs in with its ID token through Workload Identity Federation: no service account
# keys. The pool trusts only this project's tokens. Deploys go through the GitLab agent for
# Kubernetes (KUBE_CONTEXT), which needs no cloud identity.
resource "google_iam_workload_identity_pool" "ci" {
  workload_identity_pool_id = "${local.short}-ci"
  display_name              = "CI of ${local.short}"
  description               = "GitLab CI of ${var.gitlab_project_path}"

  depends_on = [google_project_service.main]
}

resource "google_iam_workload_identity_pool_provider" "ci" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.ci.workload_identity_pool_id
  workload_identity_pool_provider_id = "gitlab"
  display_name                       = "GitLab CI"
  attribute_condition                = "assertion.project_path == \"${var.gitlab_project_path}\""
  attribute_mapping = {
    "google.subject"          = "assertion.sub"
    "attribute.project_path"  = "assertion.project_path"
    "attribute.ref_protected" = "assertion.ref_protected"
  }

  oidc {
    issuer_uri = var.gitlab_url
  }
}

# Pipelines of protected branches and tags may push to the repository (the federated identity
# itself, no service account in between), and nothing else.
resource "google_artifact_registry_repository_iam_member" "ci_push" {
  count      = var.create_registry ? 1 : 0
  repository = google_artifact_registry_repository.app[0].name
  location   = var.region
  role       = "roles/artifactregistry.writer"
  member     = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/attribute.ref_protected/true"
}
