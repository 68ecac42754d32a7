# Runs wavebench-run --job on the jobs of tests/data/jobs: a job with failing points exits 1,
# a job that is all ok exits 0, a bad spec names its file and line. Stores go to WORKDIR.
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})

function(expect what text pattern)
    if(NOT text MATCHES "${pattern}")
        message(FATAL_ERROR "${what} does not match \"${pattern}\":\n${text}")
    endif()
endfunction()

# 2 x 2 points; kick = 1 runs away, so two runs fail and the job goes on.
execute_process(COMMAND ${CLI} --job ${JOBS}/cli_job.yaml --out ${WORKDIR}/failing.h5
        --csv ${WORKDIR}/failing.csv --quiet
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
    message(FATAL_ERROR "a job with failed runs: expected exit status 1, got ${rc}\n${out}\n${err}")
endif()
expect("stdout" "${out}" "run 1/4 tran-nom-snone-p000-[0-9a-f]+: ok  tdelay=6\\.9[0-9e.-]+  vfinal=0\\.999[0-9]+  vlate=nan\n")
expect("stdout" "${out}" "run 2/4 tran-nom-snone-p001-[0-9a-f]+: failed")
expect("stdout" "${out}" "run 3/4 tran-nom-snone-p002-[0-9a-f]+: ok  tdelay=1\\.38[0-9e.-]+")
expect("stdout" "${out}" "run 4/4 tran-nom-snone-p003-[0-9a-f]+: failed")
expect("stdout" "${out}" "job cli_rc: 4 runs, 2 ok, 2 failed, 0 missing, 0 interrupted, 0 skipped")
expect("stderr" "${err}" "[Tt]imestep too small")
file(READ ${WORKDIR}/failing.csv csv)
expect("csv" "${csv}" "^index,run_id,analysis,corner,seed,rval,kick,status,tdelay,vfinal,vlate\n")
expect("csv" "${csv}" "\n1,tran-nom-snone-p001-[0-9a-f]+,tran,,,1000,1,failed,")
expect("csv" "${csv}" "\n2,tran-nom-snone-p002-[0-9a-f]+,tran,,,2000,0,ok,1\\.38")
if(NOT EXISTS ${WORKDIR}/failing.h5)
    message(FATAL_ERROR "--out was not used")
endif()

# 3 points x 2 corners, all ok.
execute_process(COMMAND ${CLI} --job ${JOBS}/cli_corners.yaml --out ${WORKDIR}/corners.h5
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "an ok job: expected exit status 0, got ${rc}\n${out}\n${err}")
endif()
expect("stdout" "${out}" "run 4/6 tran-ff-snone-p000-[0-9a-f]+: ok  tdelay=5\\.5[0-9e.-]+")
expect("stdout" "${out}" "run 6/6 tran-ff-snone-p002-[0-9a-f]+: ok")
expect("stdout" "${out}" "job cli_corners: 6 runs, 6 ok, 0 failed")
expect("stderr (progress)" "${err}" "run 1/6 tran-tt-snone-p000-[0-9a-f]+ \\.\\.\\.")

# The same job into the same store again is refused: its run ids are there already.
execute_process(COMMAND ${CLI} --job ${JOBS}/cli_corners.yaml --out ${WORKDIR}/corners.h5
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
    message(FATAL_ERROR "a repeated job: expected exit status 1, got ${rc}\n${out}\n${err}")
endif()
expect("stderr" "${err}" "already holds run \"tran-tt-snone-p000-")

# A bad spec names its file and line.
file(WRITE ${WORKDIR}/bad.yaml "netlist: ${JOBS}/rc_job.cir\nsweeps:\n  - {param: rval, valus: [1]}\n")
execute_process(COMMAND ${CLI} --job ${WORKDIR}/bad.yaml
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
    message(FATAL_ERROR "a bad spec: expected exit status 1, got ${rc}\n${out}\n${err}")
endif()
expect("stderr" "${err}" "bad\\.yaml:3: unknown key \"valus\" in sweeps\\[0\\]")
message(STATUS "ok")
