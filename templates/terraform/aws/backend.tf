# State lives in S3 with S3-native locking. The bucket, key and region come from
# -backend-config at init (see README.md), so one stack serves dev, staging and prod:
#   terraform init -backend-config="bucket=<state-bucket>" -backend-config="region=<region>" \
#     -backend-config="key=<name>/<environment>.tfstate"
terraform {
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
