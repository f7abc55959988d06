# GitHub Actions signs in through OIDC: no stored keys. AWS allows one provider per issuer and
# account, so only the stacks with create_ci_oidc_provider create it; the others look it up.
resource "aws_iam_openid_connect_provider" "ci" {
  count          = var.create_ci_oidc_provider ? 1 : 0
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "ci" {
  count = var.create_ci_oidc_provider ? 0 : 1
  url   = "https://token.actions.githubusercontent.com"
}

locals {
  ci_oidc_provider_arn = var.create_ci_oidc_provider ? aws_iam_openid_connect_provider.ci[0].arn : data.aws_iam_openid_connect_provider.ci[0].arn
  github_subject       = coalesce(var.github_subject_repository, var.github_repository)
}

# The deploy job of this environment (GitHub environment "dev", "staging" or "prod", whose
# protection rules gate it) may reach this cluster, and inside it only the app's namespace.
resource "aws_iam_role" "ci_deploy" {
  name               = "${local.short}-ci-deploy"
  assume_role_policy = data.aws_iam_policy_document.ci_deploy_assume.json
}

data "aws_iam_policy_document" "ci_deploy_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.ci_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${local.github_subject}:environment:${var.environment}"]
    }
  }
}

resource "aws_iam_role_policy" "ci_deploy" {
  name   = "describe-cluster"
  role   = aws_iam_role.ci_deploy.id
  policy = data.aws_iam_policy_document.ci_deploy.json
}

data "aws_iam_policy_document" "ci_deploy" {
  statement {
    actions   = ["eks:DescribeCluster"]
    resources = [aws_eks_cluster.main.arn]
  }
}

resource "aws_eks_access_entry" "ci_deploy" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_iam_role.ci_deploy.arn
}

resource "aws_eks_access_policy_association" "ci_deploy" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = aws_iam_role.ci_deploy.arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"

  access_scope {
    type       = "namespace"
    namespaces = ["${var.name}-${var.environment}"]
  }

  depends_on = [aws_eks_access_entry.ci_deploy]
}

# The image job (main and release tags) may push to the repository, and nothing else.
resource "aws_iam_role" "ci_push" {
  count              = var.create_registry ? 1 : 0
  name               = "${substr(var.name, 0, 50)}-ci-push"
  assume_role_policy = data.aws_iam_policy_document.ci_push_assume.json
}

data "aws_iam_policy_document" "ci_push_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.ci_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values = [
        "repo:${local.github_subject}:ref:refs/heads/${var.ci_default_branch}",
        "repo:${local.github_subject}:ref:refs/tags/v*",
      ]
    }
  }
}
