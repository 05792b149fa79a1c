"""The dashboard: server-rendered pages (Jinja2 + vendored htmx, live updates over SSE) served
by ``delegate serve`` itself at ``/``. Pages parse, call one service and render."""
