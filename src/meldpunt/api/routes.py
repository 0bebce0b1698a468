"""The REST API (django-ninja): OpenAPI at /api/openapi.json, docs at /api/docs.

Every operation needs a bearer token or a logged-in session (see :mod:`meldpunt.api.auth`);
the routers live in ``routes_contracts`` and ``routes_tickets``. Calls are throttled per
address and per user (:mod:`meldpunt.api.throttles`).
"""

from ninja import NinjaAPI

from meldpunt.api.auth import API_AUTH
from meldpunt.api.errors import install_error_handlers
from meldpunt.api.routes_billing import router as billing_router
from meldpunt.api.routes_contracts import router as contracts_router
from meldpunt.api.routes_corrections import router as corrections_router
from meldpunt.api.routes_customers import router as customers_router
from meldpunt.api.routes_followers import router as followers_router
from meldpunt.api.routes_organise import router as organise_router
from meldpunt.api.routes_success import router as success_router
from meldpunt.api.routes_tickets import router as tickets_router
from meldpunt.api.routes_triage import router as triage_router
from meldpunt.api.throttles import api_throttles

api = NinjaAPI(
    title="Meldpunt API",
    version="1",
    description="Contract-aware service desk: catalogs, agreements, tickets with SLA clocks.",
    auth=API_AUTH,
    throttle=api_throttles(),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", contracts_router)
api.add_router("/", organise_router)  # before tickets: /tickets/bulk is no ticket id
api.add_router("/", customers_router)
api.add_router("/", success_router)
api.add_router("/", tickets_router)
api.add_router("/", corrections_router)
api.add_router("/", followers_router)
api.add_router("/", triage_router)
api.add_router("/", billing_router)
