# The app's credentials, one secret per environment, in the shape the chart's ExternalSecret
# reads: a JSON object whose keys are the app's environment variables.
resource "google_secret_manager_secret" "app" {
  secret_id = "${var.name}-${var.environment}"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.main]
}

resource "google_secret_manager_secret_version" "app" {
  secret = google_secret_manager_secret.app.id
  secret_data = jsonencode({
    MONGO_PASSWORD = local.database_password
  })
}

# External Secrets Operator (namespace external-secrets, service account external-secrets)
# reads the secret as this Google service account, through Workload Identity.
resource "google_service_account" "external_secrets" {
  account_id   = "${local.short}-eso"
  display_name = "External Secrets Operator in ${local.name}"
}

resource "google_secret_manager_secret_iam_member" "external_secrets" {
  secret_id = google_secret_manager_secret.app.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.external_secrets.email}"
}

resource "google_service_account_iam_member" "external_secrets" {
  service_account_id = google_service_account.external_secrets.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[external-secrets/external-secrets]"

  depends_on = [google_container_cluster.main]
}
