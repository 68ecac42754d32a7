# Inputs fuzzing found to crash the CLI (SIGSEGV) now fail the run with a message that says
# what is wrong, and the store takes the next run: a device line without nodes (ngspice
# announces a vector with no name), a probe map that names an empty vector, and cards that
# crash ngspice 39 itself (mutation fuzzing, bench/mutate_netlists.py).
file(REMOVE ${WORKDIR}/robust.h5)
file(MAKE_DIRECTORY ${WORKDIR})
function(expect_failure label pattern)
    execute_process(COMMAND ${CLI} run ${ARGN} --out ${WORKDIR}/robust.h5 --run-id ${label}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 1)
        message(FATAL_ERROR "${label}: expected exit status 1 (failed), got ${rc}\n${out}\n${err}")
    endif()
    if(NOT err MATCHES "${pattern}")
        message(FATAL_ERROR "${label}: the message does not say \"${pattern}\":\n${err}")
    endif()
    if(NOT out MATCHES "run ${label}: failed")
        message(FATAL_ERROR "${label}: no failed run on stdout:\n${out}")
    endif()
endfunction()
expect_failure(nodeless "vector with no name" ${DATA}/robust/nodeless_device.cir)
# Cards that crash ngspice 39 itself (or make it sweep forever) are refused at their line.
expect_failure(baremodel "bare_model.cir:3: .model needs a name and a type"
    ${DATA}/robust/bare_model.cir)
expect_failure(shortmeasure "short_measure.cir:7: .measure needs an analysis, a name"
    ${DATA}/robust/short_measure.cir)
expect_failure(dcstep "dc_step_zero.cir:4: .dc step 0 never reaches the stop value"
    ${DATA}/robust/dc_step_zero.cir)
expect_failure(emptymap "\"top.x\" names no vector"
    ${DATA}/rc_step.cir --probe-map ${DATA}/robust/empty_vector_map.json)
execute_process(COMMAND ${CLI} run ${DATA}/rc_step.cir --out ${WORKDIR}/robust.h5 --run-id after
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "run after: ok")
    message(FATAL_ERROR "the store did not take the next run: ${rc}\n${out}\n${err}")
endif()
message(STATUS "ok")
