# tflint's settings for every module and example (the GitHub workflow runs `tflint --init` and
# `tflint --recursive --config "$(pwd)/.tflint.hcl"` from infra/terraform).
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
  version = "0.40.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}
