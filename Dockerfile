# ssh-bbs — docker build -t ssh-bbs . && docker run -p 2222:2222 -v bbs-keys:/app/keys -v bbs-data:/app/data ssh-bbs
ARG NODE_VERSION=24

# Compiles TypeScript to dist/.
FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only (npm ci --omit=dev). better-sqlite3 compiles here, so the compiler
# stays out of the image we ship.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json config.yaml ./
COPY bin ./bin
# Host keys and the database live in volumes, never in the image: keys are made on first start.
RUN mkdir -p keys data && chown node:node keys data \
    && ln -s /app/bin/bbs.js /usr/local/bin/bbs
USER node
VOLUME ["/app/keys", "/app/data"]
EXPOSE 2222
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/healthcheck.js"]
CMD ["node", "dist/main.js"]
