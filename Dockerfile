# syntax=docker/dockerfile:1
# Multi-stage build of the xinyong server: a Rust builder, then a small Debian runtime.

FROM rust:1.95-bookworm AS builder
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin xinyong \
    && cp target/release/xinyong /usr/local/bin/xinyong

FROM debian:bookworm-slim
# ca-certificates: TLS to PostgreSQL and Meilisearch; fonts-noto-cjk: Chinese text in generated
# documents; curl: the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates fonts-noto-cjk curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 xinyong \
    && useradd --system --uid 10001 --gid xinyong --home-dir /var/lib/xinyong --create-home xinyong
COPY --from=builder /usr/local/bin/xinyong /usr/local/bin/xinyong
USER xinyong
WORKDIR /var/lib/xinyong
ENV XINYONG_BIND=0.0.0.0:8080 \
    XINYONG_DATA_DIR=/var/lib/xinyong/data \
    XINYONG_LOG_FORMAT=json
VOLUME ["/var/lib/xinyong/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD curl --fail --silent --show-error --max-time 4 http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/xinyong"]
CMD ["serve"]
