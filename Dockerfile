# users-grpc image: users-server (the default) and users-cli on Node 22 LTS, distroless, non-root.
#
#   docker build -t users-grpc \
#     --build-arg VERSION=0.1.0 --build-arg COMMIT="$(git rev-parse --short=12 HEAD)" \
#     --build-arg BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
#   docker run --rm -p 8000:8000 -p 9402:9402 users-grpc                # users-server, defaults
#   docker run --rm users-grpc --samples=false --log-level=debug        # users-server with flags
#   docker run --rm users-grpc users-cli --address=HOST:8000 list       # users-cli
#
# Without the build args the bundles say package.json's version, commit "unknown"
# and the build time (scripts/build.js), and the OCI labels stay empty.

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/ scripts/
COPY gen/ gen/
COPY src/ src/
# scripts/build.js reads these from the environment (build args are, during RUN).
ARG VERSION="" COMMIT="" BUILD_DATE=""
RUN node scripts/build.js
# Distroless has no /usr/bin/env: the bundles' shebang names its node directly,
# so `users-server` and `users-cli` run as plain executables (kubectl exec, probes).
COPY docker/entrypoint.js /out/app/entrypoint.js
# dist/node_modules holds PGlite's runtime (its WASM and data files; see scripts/build.js),
# loaded from beside the bundles for pglite: storage. The SQL migrations are inside the bundle.
# users-cli is several files (it loads each part when a command needs it): they stay side by side.
RUN mkdir -p /out/bin \
 && cp -R dist/node_modules /out/app/node_modules \
 && for program in users-server users-cli; do \
      sed '1s|^#!.*|#!/nodejs/bin/node|' "dist/$program.js" >"/out/app/$program.js" \
      && ln -s "/app/$program.js" "/out/bin/$program"; \
    done \
 && cp dist/users-cli-*.js /out/app/ \
 # The bundles' own package.json (see scripts/build.js): Node and yargs search no further.
 && cp dist/package.json /out/app/ \
 # The OpenTelemetry SDK, which both require from beside them when OTEL_* turns tracing on.
 && cp dist/users-grpc-tracing.js /out/app/ \
 && chmod 0555 /out/app/*.js

FROM gcr.io/distroless/nodejs22-debian12:nonroot
ARG VERSION="" COMMIT="" BUILD_DATE="" SOURCE=""
LABEL org.opencontainers.image.title="users-grpc" \
      org.opencontainers.image.description="gRPC user directory: users-server and users-cli" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${BUILD_DATE}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build /out/app/ /app/
COPY --from=build /out/bin/ /usr/local/bin/
# What users-server's launcher sets in its #! line (scripts/build.js), which the image
# does not use: glibc keeps mmap()ing blocks from 32 KiB up, so that the memory of large
# requests goes back to the system once they are over.
ENV MALLOC_MMAP_THRESHOLD_=32768
# Numeric, so that Kubernetes' runAsNonRoot can verify it (distroless "nonroot").
USER 65532:65532
EXPOSE 8000 9402
# Exec form: node is PID 1 and gets SIGTERM; users-server shuts down gracefully and exits 0.
ENTRYPOINT ["/nodejs/bin/node", "/app/entrypoint.js"]
