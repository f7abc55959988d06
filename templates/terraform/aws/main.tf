data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# An allowlist of zones: a zone AWS adds later does not move subnets around.
data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "zone-name"
    values = [for z in var.zone_suffixes : "${var.region}${z}"]
  }
}

locals {
  # One stack per environment: every resource name carries both.
  name = "${var.name}-${var.environment}"
  # ElastiCache ids stop at 40 characters and IAM role names at 64: the prefix leaves room.
  short   = trimsuffix(substr(local.name, 0, 38), "-")
  prod    = var.environment == "prod"
  azs     = slice(data.aws_availability_zones.available.names, 0, 3)
  account = data.aws_caller_identity.current.account_id
  tags = merge(var.tags, {
    app         = var.name
    environment = var.environment
    managed-by  = "terraform"
  })
}
