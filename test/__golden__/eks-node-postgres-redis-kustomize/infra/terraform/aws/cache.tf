# Redis on ElastiCache: private, encrypted at rest and in transit (clients
# connect with rediss://), password-protected, with a replica in another zone in production.
locals {
  cache_host     = aws_elasticache_replication_group.cache.primary_endpoint_address
  cache_port     = aws_elasticache_replication_group.cache.port
  cache_password = random_password.cache.result
}

resource "random_password" "cache" {
  length = 32
  # ElastiCache AUTH tokens allow only printable characters other than @, " and /.
  special = false
}

resource "aws_elasticache_subnet_group" "cache" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_security_group" "cache" {
  name        = "${local.name}-cache"
  description = "Redis: reachable from the cluster's nodes only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "cache" {
  security_group_id            = aws_security_group.cache.id
  description                  = "Redis from the EKS nodes"
  referenced_security_group_id = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
  from_port                    = 6379
  to_port                      = 6379
  ip_protocol                  = "tcp"
}

resource "aws_elasticache_replication_group" "cache" {
  #checkov:skip=CKV2_AWS_50:dev and staging run a single node to save cost; prod has a replica with automatic failover
  replication_group_id       = local.short
  description                = "Redis for ${local.name}"
  engine                     = "redis"
  node_type                  = var.cache_node_type
  port                       = 6379
  num_cache_clusters         = local.prod ? 2 : 1
  automatic_failover_enabled = local.prod
  multi_az_enabled           = local.prod
  subnet_group_name          = aws_elasticache_subnet_group.cache.name
  security_group_ids         = [aws_security_group.cache.id]
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.main.arn
  transit_encryption_enabled = true
  auth_token                 = random_password.cache.result
  auto_minor_version_upgrade = true
  snapshot_retention_limit   = local.prod ? 7 : 1
  apply_immediately          = !local.prod
}
