# tflint --init is not needed: only the bundled terraform ruleset is used, with every rule on.
config {
  call_module_type = "none"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
