# SPDX-License-Identifier: GPL-3.0-or-later
# Tickets leave the workbench: a short EDST run of LeNet-5 on Fashion-MNIST, `freetickets export RUN --tickets DIR`,
# then Debian's Python torch loads every ticket into the model freetickets_models.py builds, checks that masked
# weights are zero and reproduces the test accuracy stored for the ticket (ticket_export_check.py). Also: the
# --preset spelling of `train`, and the errors of export for a run without tickets.
# Run by CTest: cmake -DFREETICKETS=<binary> -DPYTHON=/usr/bin/python3 -DWORKDIR=<dir> -P ticket_export.cmake
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
set(ENV{XDG_DATA_HOME} ${WORKDIR}/xdg)
set(ENV{OMP_WAIT_POLICY} PASSIVE)

set(PROGRAM ${FREETICKETS})
include(${CMAKE_CURRENT_LIST_DIR}/program_checks.cmake)

set(limit 2000)
set(db ${WORKDIR}/runs.sqlite)
run(0 train --preset fashion-edst --set train.epochs=5 --set edst.explore_epochs=1 --set ensemble.members=2
    --set data.train_limit=3000 --set data.test_limit=${limit} --set sparse.update_frequency=10
    --set eval.corruptions=none --set eval.ood_sets=none --set eval.every_epochs=0
    --db ${db} --out ${WORKDIR}/summary.json -q)

# The run's id: the store's only run.
run(0 runs list --db ${db})
string(REGEX MATCH "\n *([0-9]+) " _ "\n${OUT}")
set(id ${CMAKE_MATCH_1})
if(NOT id)
  message(FATAL_ERROR "no run id in:\n${OUT}")
endif()

run(0 export ${id} --tickets ${WORKDIR}/tickets --db ${db})
expect_contains("${OUT}" "ticket 1:")
foreach(f tickets.json freetickets_models.py ticket-0.pt ticket-0.masks.pt ticket-1.pt ticket-1.masks.pt)
  if(NOT EXISTS ${WORKDIR}/tickets/${f})
    message(FATAL_ERROR "export wrote no ${f}:\n${OUT}")
  endif()
endforeach()

execute_process(COMMAND ${PYTHON} ${CMAKE_CURRENT_LIST_DIR}/ticket_export_check.py ${WORKDIR}/tickets
                        ${WORKDIR}/summary.json /usr/share/datasets/fashion-mnist ${limit}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the Python check failed (exit ${rc}):\n${out}\n${err}")
endif()

# The module also lists a folder by itself.
execute_process(COMMAND ${PYTHON} ${WORKDIR}/tickets/freetickets_models.py ${WORKDIR}/tickets
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "freetickets_models.py DIR failed (exit ${rc}):\n${out}\n${err}")
endif()
expect_contains("${out}" "lenet5 (lenet5), 10 classes")

# Errors name what is wrong: an unknown run, a run trained without checkpoints, a preset that does not exist.
run(1 export 999 --tickets ${WORKDIR}/none --db ${db})
expect_contains("${ERR}" "no run 999")
run(0 train spirals-teach --set method=dense --set train.epochs=1
    --no-checkpoint --db ${db} -q)
run(0 runs list --db ${db})
string(REGEX MATCH "\n *([0-9]+) [^\n]*spirals" _ "\n${OUT}")
run(1 export ${CMAKE_MATCH_1} --tickets ${WORKDIR}/none --db ${db})
expect_contains("${ERR}" "has no checkpoint folder")
run(2 train --preset no-such-preset)
expect_contains("${ERR}" "fashion-edst")
run(2 train spirals-teach --preset spirals-teach)
expect_contains("${ERR}" "--preset")
