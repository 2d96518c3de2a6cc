# Arthomed web / worker image. Runtime dependencies only; configuration from the environment.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# collectstatic only needs a key to import settings; the real one comes at run time.
RUN SECRET_KEY=build-only-not-secret-0123456789abcdefghijklmnop python manage.py collectstatic --noinput -v0 \
    && useradd --create-home --uid 10001 arthomed \
    && mkdir -p /app/media \
    && chown -R arthomed /app/media

USER arthomed
EXPOSE 3001

CMD ["sh", "-c", "gunicorn arthomed.wsgi:application --bind 0.0.0.0:${PORT:-3001} --workers ${WEB_CONCURRENCY:-3} --threads 4 --access-logfile - --error-logfile -"]
