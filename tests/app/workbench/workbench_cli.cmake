# SPDX-License-Identifier: GPL-3.0-or-later
# freetickets-workbench as a script runs it (offscreen): exit codes and messages of bad flags, a shortened
# spirals-teach trained to the end with a screenshot made by the app, a stored run reopened for one view's
# screenshot, and the German translation built in.
# Run by CTest: cmake -DWORKBENCH=<binary> -DWORKDIR=<dir> -P workbench_cli.cmake
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
set(ENV{XDG_DATA_HOME} ${WORKDIR}/xdg)  # checkpoints and the default store: not the user's own
set(ENV{XDG_CONFIG_HOME} ${WORKDIR}/config)
set(ENV{XDG_RUNTIME_DIR} ${WORKDIR})
set(ENV{QT_QPA_PLATFORM} offscreen)

set(PROGRAM ${WORKBENCH})
set(RUN_TIMEOUT 300)
include(${CMAKE_CURRENT_LIST_DIR}/../program_checks.cmake)

function(expect_png path)
  if(NOT EXISTS ${path})
    message(FATAL_ERROR "${path} was not written")
  endif()
  file(SIZE ${path} size)
  file(READ ${path} magic LIMIT 4 HEX)
  if(size LESS 10000 OR NOT magic STREQUAL "89504e47")
    message(FATAL_ERROR "${path}: not a plausible PNG screenshot (${size} bytes, starts with ${magic})")
  endif()
endfunction()

run(0 --version)
expect_contains("${OUT}" "freetickets-workbench 0.")
run(0 --help)
expect_contains("${OUT}" "--screenshot")
run(2 --frobnicate)
expect_contains("${ERR}" "frobnicate")
run(2 --quit-after soon)
expect_contains("${ERR}" "--quit-after soon")
run(2 --preset no-such-preset --quit-after 1)
expect_contains("${ERR}" "spirals-teach")  # the message lists the presets
run(2 --preset spirals-teach --set sparse.densty=0.3 --quit-after 1)
expect_contains("${ERR}" "sparse.densty")

# The translation is built in: German help text.
run(0 --lang de --help)
expect_contains("${OUT}" "Diese Vorlage öffnen")

# Train a shortened spirals-teach to the end; the app grabs its window.
run(0 --preset spirals-teach --set train.epochs=8 --set edst.explore_epochs=2 --set data.synthetic_samples=300
    --set sparse.update_frequency=5 --db ${WORKDIR}/runs.sqlite --screenshot ${WORKDIR}/window.png --quit-when-done
    --stats ${WORKDIR}/stats.json)
expect_png(${WORKDIR}/window.png)
file(READ ${WORKDIR}/stats.json stats)
expect_contains("${stats}" "\"longest_gap_ms\"")
expect_contains("${stats}" "\"status\": \"finished\"")

# Reopen the stored run and grab one view.
run(0 --open-run 1 --db ${WORKDIR}/runs.sqlite --screenshot ${WORKDIR}/calibration.png --screenshot-view calibration)
expect_png(${WORKDIR}/calibration.png)
run(1 --open-run 99 --db ${WORKDIR}/runs.sqlite --screenshot ${WORKDIR}/none.png)
expect_contains("${ERR}" "99")
