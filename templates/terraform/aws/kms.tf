# One customer-managed key per environment encrypts Kubernetes secrets, logs, the database, the
# cache, the registry and the app secret, so access to all of it can be audited and revoked at once.
resource "aws_kms_key" "main" {
  description             = "${local.name}: cluster secrets, logs, data stores and app secrets"
  enable_key_rotation     = true
  deletion_window_in_days = local.prod ? 30 : 7
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.main.key_id
}

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:in a key policy "*" is this key; the account statement is AWS's default, which lets IAM policies grant access
  #checkov:skip=CKV_AWS_111:same: a key policy's resource is always the key itself
  #checkov:skip=CKV_AWS_356:same: a key policy's resource is always the key itself
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncrypts"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${local.account}:log-group:*"]
    }
  }
}
