# syntax=docker/dockerfile:1
# Gatehouse image. Build and run (see docs/OPERATIONS.md):
#   docker build -t gatehouse .
#   docker run -p 3000:3000 -v gatehouse-data:/data -v gatehouse-certs:/certs -e PUBLIC_URL=https://sso.example.com gatehouse
# Operator CLI inside the container: docker exec <container> node dist/cli/main.js --help

# ── build: full dependencies (TypeScript), compiled to dist/ ──
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# ── deps: production dependencies only ──
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# ── runtime: no compiler, no dev dependencies, non-root ──
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/data CERTS_DIR=/certs
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# src/web/pages.ts resolves views/ and public/ two levels above dist/web/.
COPY views ./views
COPY public ./public
RUN mkdir -p /data /certs && chown node:node /data /certs
VOLUME ["/data", "/certs"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) → in-flight requests finish, the store closes, exit 0 (SHUTDOWN_GRACE_MS < docker's 10 s).
STOPSIGNAL SIGTERM
# Same V8 flags as `npm start` (docs/PERFORMANCE.md: a 4 MB young generation keeps RSS ~20 MB lower under load).
CMD ["node", "--max-semi-space-size=4", "dist/server.js"]
