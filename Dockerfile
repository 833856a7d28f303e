# The Driftwatch image: the proxy (and its CLI: serve, simulate, keys, monitors), plus the Grafana
# plugin's built dist/ so docker-compose.yml can hand it to Grafana without a local build.

FROM node:20-bookworm-slim AS build
# better-sqlite3 (the embedded store) compiles from source when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Manifests first: the dependency layer is reused until a package.json or the lockfile changes.
COPY package.json package-lock.json ./
COPY backend-proxy/package.json backend-proxy/
COPY sdk/typescript/package.json sdk/typescript/
COPY dashboards/package.json dashboards/
COPY plugin/package.json plugin/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w backend-proxy && npm run build -w plugin
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/backend-proxy/package.json ./backend-proxy/
COPY --from=build /app/backend-proxy/dist ./backend-proxy/dist
COPY --from=build /app/plugin/dist ./plugin/dist
# The embedded store's default location, writable by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080 9464
ENTRYPOINT ["node", "backend-proxy/dist/cli/main.js"]
CMD ["serve"]
