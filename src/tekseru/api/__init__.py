"""The HTTP API (/api/v1): routers per domain in this package, response models in `schemas`.

`tekseru.api.router.api_router` gathers them; `tekseru.web.app.create_app` includes it.
"""
