# ssh-bbs — docker build -t ssh-bbs . && docker run -p 2222:2222 -v bbs-keys:/app/keys -v bbs-data:/app/data ssh-bbs
# The newest Node LTS line. .ci/node.sh reads this line too, so CI tests on the Node the image runs.
ARG NODE_VERSION=24

# better-sqlite3 13 and @node-rs/argon2 ship their binaries in the npm package. --ignore-scripts
# here: this stage only compiles TypeScript, which needs no native module.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# Production dependencies only, and ssh2's native cipher binding compiled here: ssh2 ships it as C++
# source only, and without it every SSH packet is sealed by a node:crypto cipher made for that packet
# (measured: about 40% more board CPU per delivered line). The compiler stays in this stage; the
# official image carries Node's headers in /usr/local/include/node, so nothing is downloaded.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm_config_nodedir=/usr/local npm rebuild ssh2 \
    && node -e "require('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node')" \
    && npm cache clean --force

# What ships: no sources, no dev dependencies, no keys, no data.
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
