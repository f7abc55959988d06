output "cluster_name" {
  description = "The EKS cluster: aws eks update-kubeconfig --name <this> --region <region>"
  value       = aws_eks_cluster.main.name
}

output "region" {
  description = "The stack's AWS region"
  value       = var.region
}

output "app_secret_name" {
  description = "Secrets Manager secret with the app's credentials (the chart's externalSecret.remoteKey)"
  value       = aws_secretsmanager_secret.app.name
}

output "external_secrets_role_arn" {
  description = "IAM role External Secrets Operator's service account (external-secrets/external-secrets) gets through EKS Pod Identity"
  value       = aws_iam_role.external_secrets.arn
}

output "registry_url" {
  description = "The ECR repository the images are pushed to (in the stack with create_registry)"
  value       = var.create_registry ? aws_ecr_repository.app[0].repository_url : null
}

output "database_host" {
  description = "Private endpoint of the PostgreSQL database (the host in the chart's connectionUrls)"
  value       = local.database_host
}

output "database_port" {
  description = "Port of the database"
  value       = local.database_port
}

output "cache_host" {
  description = "Private endpoint of the Redis cache (the host in the chart's connectionUrls)"
  value       = local.cache_host
}

output "cache_port" {
  description = "Port of the cache"
  value       = local.cache_port
}

output "ci_repository_variables" {
  description = "Repository-level CI variables the pipelines read (set them once, from the stack that creates the registry)"
  value = var.create_registry ? {
    AWS_REGION       = var.region
    AWS_ROLE_ARN     = aws_iam_role.ci_push[0].arn
    IMAGE_REPOSITORY = aws_ecr_repository.app[0].repository_url
  } : {}
}

output "ci_environment_variables" {
  description = "Variables of this environment's GitHub environment, read by the deploy job"
  value = {
    AWS_REGION       = var.region
    AWS_ROLE_ARN     = aws_iam_role.ci_deploy.arn
    EKS_CLUSTER_NAME = aws_eks_cluster.main.name
  }
}
