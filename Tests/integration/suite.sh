#!/bin/bash
# Tests/integration/suite.sh FILE... -- runs every test_* function defined in the given test files
# (one harness, one summary line), e.g. `suite.sh host.sh` on the host, `suite.sh ipvs.sh inspect.sh` in the VM.
. "$(dirname "$0")/lib.sh"
for f in "$@"; do . "$(dirname "$0")/$f"; done
for t in $(declare -F | awk '{print $3}' | grep '^test_'); do run "$t"; done
finish
