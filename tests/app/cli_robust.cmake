# Inputs fuzzing found to crash the CLI (SIGSEGV) now fail the run with a message that says
# what is wrong, and the store takes the next run: a device line without nodes (ngspice
# announces a vector with no name) and a probe map that names an empty vector.
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
expect_failure(emptymap "\"top.x\" names no vector"
    ${DATA}/rc_step.cir --probe-map ${DATA}/robust/empty_vector_map.json)
execute_process(COMMAND ${CLI} run ${DATA}/rc_step.cir --out ${WORKDIR}/robust.h5 --run-id after
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "run after: ok")
    message(FATAL_ERROR "the store did not take the next run: ${rc}\n${out}\n${err}")
endif()
message(STATUS "ok")
