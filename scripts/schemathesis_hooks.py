"""Schemathesis hooks of scripts/schemathesis (loaded through SCHEMATHESIS_HOOKS).

Schemathesis feeds ids from earlier responses into later requests, so it finds the partner key the
run tests /api/v1/partner/* with (GET /api/v1/office/agencies/{id}/keys) and revokes it: every
partner request after that is a 401. A revocation of that key is sent to a second, spare key of
the same agency instead, so the revocation path is still exercised.
"""

import os

import schemathesis

REVOKE = "POST /api/v1/office/keys/{id}/revoke"
PROTECTED = os.environ["XINYONG_ST_PARTNER_KEY_ID"]
SPARE = os.environ["XINYONG_ST_SPARE_KEY_ID"]


@schemathesis.hook
def before_call(context, case, kwargs):
    params = case.path_parameters
    if case.operation.label == REVOKE and params and str(params.get("id")) == PROTECTED:
        params["id"] = SPARE
