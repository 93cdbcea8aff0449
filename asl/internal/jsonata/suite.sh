#!/usr/bin/env bash
# Measures the embedded JSONata against jsonata's own tests, compared with
# the same jsonata on node. Needs npm (and node for the comparison); the
# test data is downloaded, not kept in the repository.
#
#   asl/internal/jsonata/suite.sh            # mocha suite of jsonata 1.0.10
#   JSONATA_SUITE=<jsonata-js>/test/test-suite asl/internal/jsonata/suite.sh
#
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent jsonata@1.0.10 >/dev/null
npm pack --silent jsonata@2.2.2 >/dev/null
mkdir old new
tar xzf jsonata-1.0.10.tgz -C old
tar xzf jsonata-2.2.2.tgz -C new
cd "$here"
JSONATA_MOCHA_SUITE="$work/old/package/test/jsonata-test.js" \
JSONATA_JS="$work/new/package/jsonata.js" \
  go test -run 'TestMochaSuite|TestOfficialSuite' -v -timeout 20m . | grep -v DIFFERS
