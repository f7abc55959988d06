# Memcached on ElastiCache: private and encrypted in transit. Memcached has no password and no
# persistence, so the security group is its access control and there is nothing to back up.
locals {
  cache_host = aws_elasticache_cluster.cache.cluster_address
  cache_port = aws_elasticache_cluster.cache.port
}

resource "aws_elasticache_subnet_group" "cache" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_security_group" "cache" {
  name        = "${local.name}-cache"
  description = "Memcached: reachable from the cluster's nodes only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "cache" {
  security_group_id            = aws_security_group.cache.id
  description                  = "Memcached from the EKS nodes"
  referenced_security_group_id = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
  from_port                    = 11211
  to_port                      = 11211
  ip_protocol                  = "tcp"
}

resource "aws_elasticache_cluster" "cache" {
  #checkov:skip=CKV_AWS_134:Memcached keeps no data on disk, so there is no backup to take
  cluster_id                 = local.short
  engine                     = "memcached"
  node_type                  = var.cache_node_type
  num_cache_nodes            = local.prod ? 2 : 1
  az_mode                    = local.prod ? "cross-az" : "single-az"
  port                       = 11211
  subnet_group_name          = aws_elasticache_subnet_group.cache.name
  security_group_ids         = [aws_security_group.cache.id]
  transit_encryption_enabled = true
  auto_minor_version_upgrade = true
  apply_immediately          = !local.prod
}
