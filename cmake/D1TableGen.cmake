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
              -I ${CMAKE_SOURCE_DIR}/include -I ${CMAKE_SOURCE_DIR} ${td} -o ${outdir}/${file}
      DEPENDS ${td} ${MLIR_TABLEGEN_EXE} ${D1_TBLGEN_EXTRA_DEPENDS}
      COMMENT "mlir-tblgen ${action} ${file}")
    list(APPEND outputs ${outdir}/${file})
  endforeach()
  set(D1_TBLGEN_OUTPUTS ${outputs} PARENT_SCOPE)
endfunction()

# d1_add_dialect(LIB TD NAME SOURCE...): a dialect library LIB built from
# SOURCE..., with its ops, dialect, enums, attributes, types and docs generated from TD into
# the current binary directory (dialects/<D>/IR of the build).
function(d1_add_dialect lib td name)
  string(REGEX REPLACE "^D1" "" dir ${lib})
  get_filename_component(base ${td} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR})
  d1_mlir_tablegen(${CMAKE_CURRENT_SOURCE_DIR}/${td} ${out}
    ${base}.h.inc:-gen-op-decls ${base}.cpp.inc:-gen-op-defs
    ${dir}Dialect.h.inc:-gen-dialect-decls|-dialect=${name}
    ${dir}Dialect.cpp.inc:-gen-dialect-defs|-dialect=${name}
    ${dir}Enums.h.inc:-gen-enum-decls ${dir}Enums.cpp.inc:-gen-enum-defs
    ${dir}Attrs.h.inc:-gen-attrdef-decls|-attrdefs-dialect=${name}
    ${dir}Attrs.cpp.inc:-gen-attrdef-defs|-attrdefs-dialect=${name}
    ${dir}Types.h.inc:-gen-typedef-decls|-typedefs-dialect=${name}
    ${dir}Types.cpp.inc:-gen-typedef-defs|-typedefs-dialect=${name}
    ${base}.md:-gen-op-doc|-dialect=${name})
  add_custom_target(${lib}Gen DEPENDS ${D1_TBLGEN_OUTPUTS})
  add_library(${lib} STATIC ${ARGN})
  add_dependencies(${lib} ${lib}Gen)
endfunction()
