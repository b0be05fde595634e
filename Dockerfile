# samarbeid: one static binary (worker, bot, migrate, audit, report) on a minimal image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# noui leaves out Temporal's Web UI (dev only): about 290 MB less executable, and a smaller
# resident set for every worker and bot (docs/BENCHMARKS.md).
RUN CGO_ENABLED=0 go build -trimpath -tags noui -o /samarbeid ./cmd/samarbeid

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /samarbeid /usr/local/bin/samarbeid
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/samarbeid"]
CMD ["serve"]
