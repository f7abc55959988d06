# The dev stack: terraform plan -var-file=environments/dev.tfvars, after init with this
# environment's state key (README.md).
name        = "ledger"
environment = "dev"

# Small and cheap: one app node to start with.
user_min_count = 1
user_max_count = 3

# With no CIDRs the cluster is private; list CIDRs (office, VPN, CI runners) to open the API.
# api_authorized_cidrs = ["203.0.113.0/24"]

# The images live in one registry, created by the prod stack.
create_registry = false

# The repository whose workflows may deploy (and push images): change to yours.
github_repository = "my-org/ledger"
