# The dev stack: terraform plan -var-file=environments/dev.tfvars, after init with this
# environment's state prefix (README.md).
name        = "inventory"
environment = "dev"
project_id  = "my-project-dev"

# The API endpoint stays private; list CIDRs (office, VPN, CI runners) to open it.
# master_authorized_cidrs = ["203.0.113.0/24"]

# The images live in one repository, created by the prod stack.
create_registry = false

# The project whose pipelines may push images: change to yours.
gitlab_project_path = "my-group/inventory"
