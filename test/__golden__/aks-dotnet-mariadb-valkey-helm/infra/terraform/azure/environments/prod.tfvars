# The prod stack: terraform plan -var-file=environments/prod.tfvars, after init with this
# environment's state key (README.md).
name        = "ledger"
environment = "prod"

# With no CIDRs the cluster is private; list CIDRs (office, VPN, CI runners) to open the API.
# api_authorized_cidrs = ["203.0.113.0/24"]

# The images live in one registry, created by the prod stack.
create_registry = true

# The repository whose workflows may deploy (and push images): change to yours.
github_repository = "my-org/ledger"
