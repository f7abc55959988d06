# The prod stack: terraform plan -var-file=environments/prod.tfvars, after init with this
# environment's state prefix (README.md).
name        = "catalog"
environment = "prod"
project_id  = "my-project-prod"

# The API endpoint stays private; list CIDRs (office, VPN, CI runners) to open it.
# master_authorized_cidrs = ["203.0.113.0/24"]

# The images live in one repository, created by the prod stack.
create_registry = true

# The repository whose workflows may deploy (and push images): change to yours.
github_repository = "my-org/catalog"
