# The dev stack: terraform plan -var-file=environments/dev.tfvars, after init with this
# environment's state key (README.md).
name        = "billing"
environment = "dev"

# Small and cheap: one node to start with.
node_min_size = 1
node_max_size = 3

# The API stays private to the VPC; list CIDRs (office, VPN, CI runners) to open it.
# api_public_cidrs = ["203.0.113.0/24"]

# The images live in one repository, created by the prod stack.
create_registry = false

# AWS allows one CI OIDC provider per account: prod creates it, the others (in the same
# account) use it. Set true in each account that has none.
create_ci_oidc_provider = false

# The repository whose workflows may deploy (and push images): change to yours.
github_repository = "my-org/billing"
