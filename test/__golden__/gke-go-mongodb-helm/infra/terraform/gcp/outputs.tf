output "cluster_name" {
  description = "The GKE cluster: gcloud container clusters get-credentials <this> --region <region>"
  value       = google_container_cluster.main.name
}

output "region" {
  description = "The stack's region (the cluster's location)"
  value       = var.region
}

output "app_secret_name" {
  description = "Secret Manager secret with the app's credentials (the chart's externalSecret.remoteKey)"
  value       = google_secret_manager_secret.app.secret_id
}

output "external_secrets_service_account" {
  description = "Google service account for External Secrets Operator's service account (iam.gke.io/gcp-service-account annotation)"
  value       = google_service_account.external_secrets.email
}

output "registry_url" {
  description = "The Docker repository the images are pushed to (in the stack with create_registry)"
  value       = var.create_registry ? "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.app[0].repository_id}" : null
}

output "database_host" {
  description = "Private host of the MongoDB database (the host in the chart's connectionUrls)"
  value       = local.database_host
}

output "database_port" {
  description = "Port of the database"
  value       = local.database_port
}

output "ci_repository_variables" {
  description = "Repository-level CI variables the pipelines read (set them once, from the stack that creates the registry)"
  value = var.create_registry ? {
    GCP_WORKLOAD_IDENTITY_PROVIDER = google_iam_workload_identity_pool_provider.ci.name
    GCP_SERVICE_ACCOUNT            = google_service_account.ci_push[0].email
    IMAGE_REPOSITORY               = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.app[0].repository_id}/${var.name}"
  } : {}
}

output "ci_environment_variables" {
  description = "Variables of this environment's GitHub environment, read by the deploy job"
  value = {
    GCP_WORKLOAD_IDENTITY_PROVIDER = google_iam_workload_identity_pool_provider.ci.name
    GCP_SERVICE_ACCOUNT            = google_service_account.ci_deploy.email
    GKE_CLUSTER_NAME               = google_container_cluster.main.name
    GKE_LOCATION                   = google_container_cluster.main.location
  }
}
