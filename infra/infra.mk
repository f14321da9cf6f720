# Infrastructure targets, included by the project Makefile (`include infra/infra.mk`).
#
#   make layers   build the dependency layers into build/layers (cached by a stamp)
#   make synth    layers, then synthesize the CDK app into cdk.out (cdk-nag checked)
#   make deploy   synth, then deploy cdk.out with the AWS CDK CLI (needs credentials)
#   make cdk-diff / cdk-bootstrap   compare with / prepare the target account
#
# Deployment settings are CDK context, passed at synth time, for example:
#   make deploy CONTEXT='-c sender_email=jobs@acme.example \
#     -c careers_site_origins=https://careers.acme.example -c operators_email=ops@acme.example'
# Keys: see docs/infrastructure.md (sender_email, careers_site_origins, operators_email,
# deletion_protection, log_retention_days, api_rate_limit, api_burst_limit, stack_name).

PY ?= .venv/bin/python
CDK ?= npx --yes aws-cdk@2
CDK_OUT ?= cdk.out
CONTEXT ?=
DEPLOY_ARGS ?=
# jsii (the CDK's bridge to Node) warns loudly about Node 20; the warning is known.
INFRA_ENV = JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 PYTHONPATH=infra

.PHONY: layers synth deploy cdk-diff cdk-bootstrap

layers:
	$(INFRA_ENV) $(PY) -m recruiting_infra.layers

synth: layers
	rm -rf $(CDK_OUT)
	$(INFRA_ENV) CDK_OUTDIR=$(CDK_OUT) $(PY) infra/app.py $(CONTEXT)

deploy: synth
	$(INFRA_ENV) $(CDK) deploy --app $(CDK_OUT) --all $(DEPLOY_ARGS)

cdk-diff: synth
	$(INFRA_ENV) $(CDK) diff --app $(CDK_OUT) --all

cdk-bootstrap:
	$(INFRA_ENV) $(CDK) bootstrap
