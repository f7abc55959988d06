# State lives in an Azure Storage blob, locked by a blob lease, read and written with Entra ID
# (no storage keys). Account, container and key come from -backend-config at init (README.md):
#   terraform init -backend-config="resource_group_name=<rg>" -backend-config="storage_account_name=<account>" \
#     -backend-config="container_name=<container>" -backend-config="key=<name>/<environment>.tfstate"
terraform {
  backend "azurerm" {
    use_azuread_auth = true
  }
}
