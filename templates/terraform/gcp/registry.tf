# One Docker repository for every environment: images are built once and promoted by digest.
# The prod stack creates it (create_registry); Artifact Analysis scans every pushed image.
resource "google_artifact_registry_repository" "app" {
  #checkov:skip=CKV_GCP_84:Google-managed encryption; a customer key needs the Artifact Registry service agent granted before the repository exists
  count         = var.create_registry ? 1 : 0
  repository_id = var.name
  location      = var.region
  format        = "DOCKER"
  description   = "Images of ${var.name}"

  docker_config {
    immutable_tags = true
  }

  vulnerability_scanning_config {
    enablement_config = "INHERITED"
  }

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"

    condition {
      tag_state  = "UNTAGGED"
      older_than = "1209600s"
    }
  }

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"

    most_recent_versions {
      keep_count = 200
    }
  }

  depends_on = [google_project_service.main]
}
