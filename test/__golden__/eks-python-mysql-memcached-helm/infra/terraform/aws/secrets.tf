# The app's credentials, one secret per environment, in the shape the chart's ExternalSecret
# reads: a JSON object whose keys are the app's environment variables.
resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV2_AWS_57:the passwords are generated here and rotated by re-applying with a new random_password keeper
  name                    = "${var.name}/${var.environment}"
  description             = "Credentials of ${var.name} in ${var.environment}"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = local.prod ? 30 : 7
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    MYSQL_PASSWORD = local.database_password
  })
}
