# syntax=docker/dockerfile:1
#
# metadata-sink image: build with the official Swift toolchain on Debian
# bookworm, run on bookworm-slim with only the shared libraries the binary
# links (librdkafka, libcurl). Build from the repository root:
#   docker build -t metadata-sink:local .

############################
# Build stage
############################
# The same Debian release as the runtime stage, so the librdkafka and libcurl
# the binary is linked against are the ones installed below. 6.3 matches the
# toolchain the project is developed with (Package.swift needs tools 6.2+).
FROM swift:6.3-bookworm AS build

RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        librdkafka-dev \
        libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Resolve dependencies in their own layer so source edits do not refetch them.
# Package.resolved is optional (it is not committed); when present it is
# honoured exactly.
COPY Package.swift Package.resolved* ./
RUN if [ -f Package.resolved ]; then \
        swift package resolve --force-resolved-versions; \
    else \
        swift package resolve; \
    fi

# Test targets are declared in Package.swift, and SwiftPM wants their
# directories to exist even when building only the executable.
COPY Sources ./Sources
COPY Tests ./Tests

# Static Swift runtime: the runtime image needs no Swift toolchain, only the
# C libraries. The backtracer is copied so crashes log a symbolicated trace.
RUN swift build -c release --static-swift-stdlib --product metadata-sink \
    && mkdir -p /staging \
    && cp "$(swift build -c release --show-bin-path)/metadata-sink" /staging/ \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/

############################
# Runtime stage
############################
FROM debian:bookworm-slim

# librdkafka1 and libcurl4 are what the binary links; ca-certificates for the
# API's and the brokers' TLS; tzdata so a TZ setting takes effect.
# (libstdc++6 and libgcc-s1, which the static Swift runtime still needs, come
# with the base image.)
RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        librdkafka1 \
        libcurl4 \
        ca-certificates \
        tzdata \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric uid/gid so Kubernetes' runAsNonRoot can verify it without a
# passwd lookup; the Helm chart's securityContext uses the same 10001.
RUN groupadd --system --gid 10001 metadata-sink \
    && useradd --system --uid 10001 --gid 10001 \
        --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin metadata-sink

COPY --from=build /staging/metadata-sink /usr/local/bin/metadata-sink
COPY --from=build /staging/swift-backtrace-static /usr/local/libexec/swift-backtrace-static

ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static

USER 10001:10001

# Health (/livez, /readyz) and Prometheus metrics (/metrics); HTTP_PORT changes it.
EXPOSE 8080

# No init process (tini): the binary is PID 1 on purpose, it handles SIGTERM
# itself and drains within SHUTDOWN_GRACE_SECONDS.
ENTRYPOINT ["metadata-sink"]
CMD ["run"]
