# FiberOps application image: the web server (gunicorn) or, with another command, the SLA worker.
# Dependencies come only from requirements.lock (the same pins as CI).
# The dispatcher board's map (Leaflet) comes from npm, pinned by package-lock.json.
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_ROOT=/app/static
WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app fiberops

COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=frontend /build/node_modules/leaflet/dist fiberops/dispatch/static/vendor/leaflet
RUN pip install --no-cache-dir --no-deps -e . \
    && SECRET_KEY=build-time-only-nothing-is-signed python manage.py collectstatic --noinput -v 0 \
    && python -m compileall -q fiberops \
    && mkdir -p /app/var/media && chown fiberops /app/var/media
# (a new named volume mounted at /app/var/media copies this directory's owner: the app may write)

USER fiberops
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "fiberops.wsgi"]
