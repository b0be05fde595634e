# samarbeid: one static binary (worker, bot, migrate, audit, report) on a minimal image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /samarbeid ./cmd/samarbeid

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /samarbeid /usr/local/bin/samarbeid
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/samarbeid"]
CMD ["serve"]
