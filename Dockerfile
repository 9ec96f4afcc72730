# The Cadence app image: used by web, worker and beat in docker-compose.yml.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Static files are collected at build time with hashed names (WhiteNoise serves them).
RUN SECRET_KEY=build-only CADENCE_VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput \
    && cp -r /tmp/build-var/static /app/static-root && rm -rf /tmp/build-var \
    && useradd --create-home --uid 10001 cadence && mkdir -p /app/var && chown -R cadence /app/var
ENV STATIC_ROOT=/app/static-root
USER cadence
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "--bind", "0.0.0.0:8000", "config.wsgi"]
