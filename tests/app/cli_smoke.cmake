# SPDX-License-Identifier: GPL-3.0-or-later
# The freetickets CLI as a user runs it: exit codes, error messages naming the field or file, the summary JSON.
# Run by CTest: cmake -DFREETICKETS=<binary> -DWORKDIR=<dir> -P cli_smoke.cmake
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
set(ENV{XDG_DATA_HOME} ${WORKDIR}/xdg)  # `train` records into the default run store: not the user's own

set(PROGRAM ${FREETICKETS})
include(${CMAKE_CURRENT_LIST_DIR}/program_checks.cmake)

run(0 --version)
expect_contains("${OUT}" "freetickets 0.")

run(0 presets list)
foreach(p fashion-edst fashion-dst-ensemble fashion-dense fashion-deep-ensemble spirals-teach cifar10-wrn28-10-edst)
  expect_contains("${OUT}" "${p}")
endforeach()

run(0 presets show fashion-edst)
expect_contains("${OUT}" "\"update_frequency\"")

# --set takes one value: a preset named after it is still the positional argument.
run(0 train --set sparse.density=0.3 --set train.epochs=130 spirals-teach --dry-run)
expect_contains("${OUT}" "\"density\": 0.3")
expect_contains("${OUT}" "\"epochs\": 130")
expect_contains("${OUT}" "\"name\": \"spirals-teach\"")

run(0 train --help)
expect_contains("${OUT}" "--set")

# Invalid values: exit 2 and a message with field, value and range.
run(2 train spirals-teach --set sparse.density=1.5 --no-checkpoint)
expect_contains("${ERR}" "sparse.density = 1.5: expected a number in (0, 1]")
run(2 train spirals-teach --set sparse.densty=0.1 --no-checkpoint)
expect_contains("${ERR}" "sparse.densty")
run(2 train no-such-preset)
expect_contains("${ERR}" "fashion-edst")
file(WRITE ${WORKDIR}/bad.json "{\"sparse\": {\"growth\": \"magic\"}}")
run(2 train ${WORKDIR}/bad.json --no-checkpoint)
expect_contains("${ERR}" "bad.json")
expect_contains("${ERR}" "sparse.growth = \"magic\": expected one of {gradient, random, momentum}")

# A dataset file that is not IDX: exit 1 and the file is named. (Truncated files: tests/core/data.)
file(MAKE_DIRECTORY ${WORKDIR}/mnist)
foreach(f train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
  file(WRITE ${WORKDIR}/mnist/${f} "this is not an IDX file")
endforeach()
run(1 train spirals-teach --set data.name=mnist --set model.name=lenet5 --set data.path=${WORKDIR}/mnist "--set=model.hidden=[]" --no-checkpoint -q)
expect_contains("${ERR}" "${WORKDIR}/mnist/t")

# A real (tiny) run: the summary JSON has the fields the issue names.
run(0 train spirals-teach --set train.epochs=12 --set edst.explore_epochs=6 --set ensemble.members=2
    --out ${WORKDIR}/summary.json --checkpoint-dir ${WORKDIR}/ckpt)
expect_contains("${OUT}" "ensemble")
file(READ ${WORKDIR}/summary.json summary)
string(JSON method GET "${summary}" run method)
if(NOT method STREQUAL "edst")
  message(FATAL_ERROR "run.method is '${method}'")
endif()
string(JSON seconds GET "${summary}" run seconds)
string(JSON nlayers LENGTH "${summary}" model layers)
string(JSON layer0 GET "${summary}" model layers 0 name)
string(JSON density0 GET "${summary}" model layers 0 density)
string(JSON nmembers LENGTH "${summary}" members)
if(NOT nmembers EQUAL 2 OR NOT nlayers EQUAL 3)
  message(FATAL_ERROR "expected 2 members and 3 layers, got ${nmembers} and ${nlayers}")
endif()
foreach(key accuracy nll ece brier)
  string(JSON v GET "${summary}" members 1 test ${key})
  string(JSON v GET "${summary}" ensemble test ${key})
endforeach()
string(JSON seed GET "${summary}" members 0 seed)
string(JSON nbins LENGTH "${summary}" ensemble test reliability)
string(JSON lo GET "${summary}" ensemble test reliability 0 lo)
string(JSON conf GET "${summary}" ensemble test reliability 0 confidence)
if(NOT nbins EQUAL 14)
  message(FATAL_ERROR "expected 14 reliability bins, got ${nbins}")
endif()
string(JSON acc GET "${summary}" ensemble test accuracy)
if(acc LESS 0.6)
  message(FATAL_ERROR "ensemble accuracy ${acc} on spirals: training did not learn")
endif()
if(NOT EXISTS ${WORKDIR}/ckpt/ticket-1.json OR NOT EXISTS ${WORKDIR}/ckpt/state.json)
  message(FATAL_ERROR "checkpoint folder lacks tickets or state")
endif()
# The run went into the default store, which knows it finished: resuming it is refused, naming the run.
if(NOT EXISTS ${WORKDIR}/xdg/freetickets/runs.sqlite)
  message(FATAL_ERROR "train did not record the run in the default store")
endif()
run(1 resume ${WORKDIR}/ckpt -q)
expect_contains("${ERR}" "(\"spirals-teach\") is finished")
# Without the store, a finished run's checkpoint can be resumed: it only re-evaluates and prints the same table.
run(0 resume ${WORKDIR}/ckpt --no-db --out ${WORKDIR}/resumed.json -q)
file(READ ${WORKDIR}/resumed.json resumed)
string(JSON acc2 GET "${resumed}" ensemble test accuracy)
if(NOT acc2 EQUAL acc)
  message(FATAL_ERROR "resumed summary differs: ${acc2} vs ${acc}")
endif()
message(STATUS "cli_smoke: all checks passed")
