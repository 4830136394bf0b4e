# Backprop Explorer: the same steps as `make run`, in a slim Python image.
ARG BASE=python:3.11-slim
FROM ${BASE}

# Graphviz draws the pictures; DejaVu gives it and the browser the same fonts; libseccomp is the jail's
# system-call filter. The versions are the base's own, so they are not pinned here.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends graphviz fonts-dejavu-core libseccomp2 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY engine engine
COPY app app
COPY templates templates
COPY static static
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 explorer
USER 10001

# One worker keeps class mode's classes in memory; for several, compose.yaml adds Redis.
ENV BACKPROP_HOST=0.0.0.0 \
    BACKPROP_PORT=8000 \
    BACKPROP_WORKERS=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["python", "-m", "app"]
