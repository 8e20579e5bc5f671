# SPDX-License-Identifier: GPL-3.0-or-later
# Both programs on an account that has never run either: an empty HOME, no XDG folders set. Each must create its
# data folder and the default run store, train a short spirals-teach into it and leave it finished there.
# Run by CTest: cmake -DFREETICKETS=<cli> -DWORKBENCH=<workbench or empty> -DWORKDIR=<dir> -P fresh_account.cmake
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
set(SHORT --set train.epochs=8 --set edst.explore_epochs=2 --set data.synthetic_samples=300
    --set sparse.update_frequency=5 --set train.test_batch_size=300)

# Runs a program in a bare environment: HOME and PATH only (plus the offscreen platform for Qt).
function(fresh home expected_rc)
  file(MAKE_DIRECTORY ${home})
  execute_process(COMMAND env -i HOME=${home} PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8 ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
  if(NOT rc EQUAL expected_rc)
    message(FATAL_ERROR "${ARGN} (HOME=${home}): exit ${rc}, expected ${expected_rc}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
endfunction()

function(expect_finished_run home)
  set(store ${home}/.local/share/freetickets/runs.sqlite)
  if(NOT EXISTS ${store})
    message(FATAL_ERROR "${store} was not created")
  endif()
  execute_process(COMMAND ${FREETICKETS} runs list --db ${store} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(FIND "${out}" "finished" pos)
  if(NOT rc EQUAL 0 OR pos EQUAL -1)
    message(FATAL_ERROR "${store}: no finished run (exit ${rc})\n${out}\n${err}")
  endif()
endfunction()

fresh(${WORKDIR}/cli-home 0 ${FREETICKETS} train spirals-teach ${SHORT} -q)
expect_finished_run(${WORKDIR}/cli-home)

if(WORKBENCH)
  fresh(${WORKDIR}/gui-home 0 ${WORKBENCH} --preset spirals-teach ${SHORT} --run --quit-when-done)
  expect_finished_run(${WORKDIR}/gui-home)
endif()
