# kzgraph: the web service. Used by docker-compose.yml with the Oxigraph server as its store.
FROM node:20-slim AS ui
WORKDIR /ui
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim
ENV KZGRAPH_HOME=/app \
    KZGRAPH_HOST=0.0.0.0 \
    KZGRAPH_PORT=8000 \
    PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY ontology ./ontology
COPY mappings ./mappings
COPY queries ./queries
COPY sources ./sources
COPY --from=ui /ui/node_modules/@triply/yasgui/build/yasgui.min.js /ui/node_modules/@triply/yasgui/build/yasgui.min.css ./src/kzgraph/web/static/yasgui/
RUN pip install --no-cache-dir -e . && useradd --system kzgraph
USER kzgraph
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"
# Build the graph into the store (atomically), then serve it.
CMD ["sh", "-c", "kzgraph build && exec kzgraph serve"]
