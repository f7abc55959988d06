# The key that encrypts Kubernetes secrets in etcd (application-layer secrets encryption),
# rotated every 90 days. Key rings cannot be deleted, so the name carries the environment.
resource "google_kms_key_ring" "main" {
  name     = local.name
  location = var.region

  depends_on = [google_project_service.main]
}

resource "google_kms_crypto_key" "etcd" {
  name            = "etcd-encryption"
  key_ring        = google_kms_key_ring.main.id
  rotation_period = "7776000s"

  # Destroying the key would make every secret in the cluster unreadable.
  lifecycle {
    prevent_destroy = true
  }
}

# GKE's service agent encrypts and decrypts with the key.
resource "google_kms_crypto_key_iam_member" "gke" {
  crypto_key_id = google_kms_crypto_key.etcd.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:service-${data.google_project.current.number}@container-engine-robot.iam.gserviceaccount.com"
}
