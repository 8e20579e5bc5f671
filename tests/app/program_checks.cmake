# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the CTest scripts that drive a program as its users do (cli_smoke, cli_runs, workbench_cli): run it
# and check the exit code, check what it printed. Set PROGRAM (the binary) and WORKDIR before including, and
# RUN_TIMEOUT (seconds) to bound each run.

# Runs PROGRAM with ARGN in WORKDIR; fails the test unless it exits with expected_rc. Sets OUT and ERR.
# Arguments go through ARGN, which splits at semicolons: text with semicolons needs execute_process directly.
function(run expected_rc)
  set(limit)
  if(RUN_TIMEOUT)
    set(limit TIMEOUT ${RUN_TIMEOUT})
  endif()
  execute_process(COMMAND ${PROGRAM} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY ${WORKDIR} ${limit})
  if(NOT rc EQUAL expected_rc)
    get_filename_component(name ${PROGRAM} NAME)
    message(FATAL_ERROR "${name} ${ARGN}: exit ${rc}, expected ${expected_rc}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
  set(ERR "${err}" PARENT_SCOPE)
endfunction()

function(expect_contains text needle)
  string(FIND "${text}" "${needle}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "expected to find '${needle}' in:\n${text}")
  endif()
endfunction()

function(expect_not_contains text needle)
  string(FIND "${text}" "${needle}" pos)
  if(NOT pos EQUAL -1)
    message(FATAL_ERROR "did not expect '${needle}' in:\n${text}")
  endif()
endfunction()
