from .context import new_request_id, reset_request_id, set_request_id


class RequestIdMiddleware:
    """Tag every request with an id; audit rows written during it carry the same id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = new_request_id()
        token = set_request_id(request.id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request.id
        return response
