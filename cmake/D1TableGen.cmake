# d1_tablegen(OUT ACTION): runs d1-tblgen ACTION on include/d1/Target/ISA.td.
function(d1_tablegen out action)
  set(td ${CMAKE_SOURCE_DIR}/include/d1/Target/ISA.td)
  add_custom_command(
    OUTPUT ${out}
    COMMAND d1-tblgen ${action} -I ${CMAKE_SOURCE_DIR}/include/d1/Target ${td} -o ${out}
    DEPENDS d1-tblgen ${td} ${CMAKE_SOURCE_DIR}/include/d1/Target/Machine.td
    COMMENT "d1-tblgen ${action}")
endfunction()

# d1_mlir_tablegen(TD OUTDIR FILE:ACTION...): runs mlir-tblgen ACTION on TD
# into OUTDIR/FILE for each pair (ACTION may add options after '|', e.g.
# -gen-dialect-decls|-dialect=graph); outputs are left in D1_TBLGEN_OUTPUTS.
function(d1_mlir_tablegen td outdir)
  file(MAKE_DIRECTORY ${outdir})
  set(outputs)
  foreach(pair ${ARGN})
    string(REPLACE ":" ";" parts ${pair})
    list(GET parts 0 file)
    list(GET parts 1 action)
    string(REPLACE "|" ";" action "${action}")
    add_custom_command(
      OUTPUT ${outdir}/${file}
      COMMAND ${MLIR_TABLEGEN_EXE} ${action} -I ${MLIR_INCLUDE_DIRS} -I ${CMAKE_BINARY_DIR}/include
              -I ${CMAKE_SOURCE_DIR}/include ${td} -o ${outdir}/${file}
      DEPENDS ${td} ${MLIR_TABLEGEN_EXE} ${D1_TBLGEN_EXTRA_DEPENDS}
      COMMENT "mlir-tblgen ${action} ${file}")
    list(APPEND outputs ${outdir}/${file})
  endforeach()
  set(D1_TBLGEN_OUTPUTS ${outputs} PARENT_SCOPE)
endfunction()
