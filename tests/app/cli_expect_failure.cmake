# Runs the CLI on a broken netlist: it must exit 1 and say what is wrong, naming the file.
file(REMOVE ${OUT})
execute_process(COMMAND ${CLI} ${NETLIST} --out ${OUT} --run-id broken
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
    message(FATAL_ERROR "expected exit status 1, got ${rc}\n${out}\n${err}")
endif()
if(NOT err MATCHES "unknown subckt" OR NOT err MATCHES "broken.cir")
    message(FATAL_ERROR "message does not name the problem and the file:\n${err}")
endif()
if(NOT out MATCHES "run broken: failed")
    message(FATAL_ERROR "no run summary on stdout:\n${out}")
endif()
message(STATUS "ok: ${err}")
