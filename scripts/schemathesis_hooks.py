"""Schemathesis hooks of scripts/schemathesis (loaded through SCHEMATHESIS_HOOKS).

Schemathesis feeds ids from earlier responses into later requests, so it finds the partner key the
run tests /api/v1/partner/* with (GET /api/v1/office/agencies/{id}/keys) and revokes it: every
partner request after that is a 401. A revocation of that key is sent to a second, spare key of
the same agency instead, so the revocation path is still exercised. The office's bootstrap token
is protected the same way, with a spare staff token.
"""

import os

import schemathesis

# The revocation routes, each with the id it must not revoke and the spare it revokes instead.
PROTECTED = {
    "POST /api/v1/office/keys/{id}/revoke": (
        os.environ["XINYONG_ST_PARTNER_KEY_ID"],
        os.environ["XINYONG_ST_SPARE_KEY_ID"],
    ),
    "POST /api/v1/office/tokens/{id}/revoke": (
        os.environ["XINYONG_ST_BOOTSTRAP_TOKEN_ID"],
        os.environ["XINYONG_ST_SPARE_TOKEN_ID"],
    ),
}


@schemathesis.hook
def before_call(context, case, kwargs):
    params = case.path_parameters
    protected = PROTECTED.get(case.operation.label)
    if protected and params and str(params.get("id")) == protected[0]:
        params["id"] = protected[1]
