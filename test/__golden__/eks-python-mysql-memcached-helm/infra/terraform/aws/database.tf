# MySQL on RDS: private, encrypted with the stack's key, backed up,
# Multi-AZ in production. The password is generated here and kept in the app secret only.
locals {
  database = {
    postgres = {
      engine  = "postgres"
      version = "17"
      family  = "postgres17"
      logs    = ["postgresql", "upgrade"]
      # Slow and DDL statements are logged, so the logs help without flooding.
      parameters = {
        log_statement              = "ddl"
        log_min_duration_statement = "1000"
        "rds.force_ssl"            = "1"
      }
    }
    mysql = {
      engine     = "mysql"
      version    = "8.4"
      family     = "mysql8.4"
      logs       = ["audit", "error", "general", "slowquery"]
      parameters = { require_secure_transport = "1", slow_query_log = "1", long_query_time = "1" }
    }
    mariadb = {
      engine     = "mariadb"
      version    = "11.4"
      family     = "mariadb11.4"
      logs       = ["audit", "error", "general", "slowquery"]
      parameters = { require_secure_transport = "1", slow_query_log = "1", long_query_time = "1" }
    }
  }["mysql"]
}

locals {
  database_host     = aws_db_instance.database.address
  database_port     = aws_db_instance.database.port
  database_password = random_password.database.result
}

resource "random_password" "database" {
  length = 32
  # URL-safe: the app builds its connection URL from it.
  special = false
}

resource "aws_db_subnet_group" "database" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_security_group" "database" {
  name        = "${local.name}-database"
  description = "MySQL: reachable from the cluster's nodes only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "database" {
  security_group_id            = aws_security_group.database.id
  description                  = "MySQL from the EKS nodes"
  referenced_security_group_id = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
  from_port                    = 3306
  to_port                      = 3306
  ip_protocol                  = "tcp"
}

resource "aws_db_parameter_group" "database" {
  name   = local.name
  family = local.database.family

  dynamic "parameter" {
    for_each = local.database.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }
}

resource "aws_db_instance" "database" {
  identifier     = local.name
  engine         = local.database.engine
  engine_version = local.database.version
  instance_class = var.database_instance_class

  db_name  = "app"
  username = "app"
  password = random_password.database.result
  port     = 3306

  allocated_storage     = var.database_storage_gb
  max_allocated_storage = var.database_storage_gb * 5
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.main.arn

  db_subnet_group_name   = aws_db_subnet_group.database.name
  vpc_security_group_ids = [aws_security_group.database.id]
  publicly_accessible    = false
  multi_az               = local.prod
  parameter_group_name   = aws_db_parameter_group.database.name

  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  backup_retention_period             = local.prod ? 30 : 7
  copy_tags_to_snapshot               = true
  deletion_protection                 = local.prod
  skip_final_snapshot                 = !local.prod
  final_snapshot_identifier           = "${local.name}-final"
  enabled_cloudwatch_logs_exports     = local.database.logs

  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.main.arn
  monitoring_interval             = 60
  monitoring_role_arn             = aws_iam_role.database_monitoring.arn
}

resource "aws_iam_role" "database_monitoring" {
  name               = "${local.short}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.database_monitoring_assume.json
}

data "aws_iam_policy_document" "database_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "database_monitoring" {
  role       = aws_iam_role.database_monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
