# One repository for every environment: images are built once and promoted by digest. The prod
# stack creates it (create_registry); dev and staging pull from it.
resource "aws_ecr_repository" "app" {
  count                = var.create_registry ? 1 : 0
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.main.arn
  }
}

# Untagged layers go after two weeks; the newest 200 tagged images stay for rollbacks.
resource "aws_ecr_lifecycle_policy" "app" {
  count      = var.create_registry ? 1 : 0
  repository = aws_ecr_repository.app[0].name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after 14 days"
        selection    = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 14 }
        action       = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the newest 200 images"
        selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 200 }
        action       = { type = "expire" }
      },
    ]
  })
}

# What CI's push role (ci.tf) may do: push to this repository, and nothing else.
resource "aws_iam_role_policy" "ci_push" {
  count  = var.create_registry ? 1 : 0
  name   = "push-images"
  role   = aws_iam_role.ci_push[0].id
  policy = data.aws_iam_policy_document.ci_push[0].json
}

data "aws_iam_policy_document" "ci_push" {
  count = var.create_registry ? 1 : 0

  statement {
    #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken has no resource-level permissions; it only returns a login token
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [aws_ecr_repository.app[0].arn]
  }

  statement {
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]
  }
}
