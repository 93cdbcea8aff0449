# Stepwise in a container: the one stepwise binary plus the example state
# machines. Build with `docker build -t stepwise .`; docker-compose.yml runs
# it as `stepwise serve` and `stepwise worker` beside PostgreSQL.

# Build stage: a static binary (pgx is pure Go, so no cgo).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/stepwise ./cmd/stepwise

# Runtime stage: no shell, no package manager, runs as an unprivileged user.
FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /stepwise
COPY --from=build /out/stepwise /usr/local/bin/stepwise
# The examples' definitions and inputs, for `stepwise dev` (run from this
# working directory it finds them as examples/).
COPY examples/ ./examples/
ENV STEPWISE_DATABASE_URL=postgres://postgres@postgres:5432/stepwise?sslmode=disable
ENTRYPOINT ["stepwise"]
CMD ["serve"]
