# State lives in a GCS bucket (versioned), locked by GCS itself. Bucket and prefix come from
# -backend-config at init (README.md):
#   terraform init -backend-config="bucket=<state-bucket>" -backend-config="prefix=<name>/<environment>"
terraform {
  backend "gcs" {}
}
