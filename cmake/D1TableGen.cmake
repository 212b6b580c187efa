# d1_tablegen(OUT ACTION): runs d1-tblgen ACTION on include/d1/Target/ISA.td.
function(d1_tablegen out action)
  set(td ${CMAKE_SOURCE_DIR}/include/d1/Target/ISA.td)
  add_custom_command(
    OUTPUT ${out}
    COMMAND d1-tblgen ${action} -I ${CMAKE_SOURCE_DIR}/include/d1/Target ${td} -o ${out}
    DEPENDS d1-tblgen ${td} ${CMAKE_SOURCE_DIR}/include/d1/Target/Machine.td
    COMMENT "d1-tblgen ${action}")
endfunction()
