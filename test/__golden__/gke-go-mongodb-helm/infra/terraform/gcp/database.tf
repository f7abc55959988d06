# MongoDB as Firestore with MongoDB compatibility (Enterprise edition): serverless, encrypted,
# with point-in-time recovery and daily backups. It is reached at its Google endpoint over TLS
# (SCRAM user below); MongoDB Atlas on Google Cloud through Private Service Connect is the
# alternative when the app needs features Firestore lacks (check its compatibility notes).
locals {
  database_host     = "${google_firestore_database.database.uid}.${var.region}.firestore.goog"
  database_port     = 443
  database_password = google_firestore_user_creds.app.secure_password
}

resource "google_firestore_database" "database" {
  name                              = local.name
  location_id                       = var.region
  type                              = "FIRESTORE_NATIVE"
  database_edition                  = "ENTERPRISE"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = local.prod ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  deletion_policy                   = local.prod ? "ABANDON" : "DELETE"

  depends_on = [google_project_service.main]
}

resource "google_firestore_backup_schedule" "database" {
  database  = google_firestore_database.database.name
  retention = local.prod ? "2592000s" : "604800s"

  daily_recurrence {}
}

resource "google_firestore_user_creds" "app" {
  database = google_firestore_database.database.name
  name     = "app"
}
