// RUN: printf 'sram_bytes = 65536\nmesh_rows = 2\n' > %t.txt
// RUN: d1-opt %s --d1-set-target=file=%t.txt | FileCheck %s
// RUN: d1-opt %s --d1-set-target | FileCheck %s --check-prefix=DEFAULT
// RUN: printf 'sram_size = 12\n' > %t.bad
// RUN: not d1-opt %s --d1-set-target=file=%t.bad 2>&1 | FileCheck %s --check-prefix=BAD

// The whole machine, replacing the target the module had.
// CHECK: module attributes {d1.target = #d1.target<{{{.*}}mesh_rows = 2 : i64{{.*}}sram_bytes = 65536 : i64{{.*}}}>}
// DEFAULT: module attributes {d1.target = #d1.target<{{{.*}}mesh_rows = 18 : i64{{.*}}sram_bytes = 1310720 : i64{{.*}}}>}
// BAD: error: {{.*}}sram_size
module attributes {d1.target = #d1.target<{sram_bytes = 4096 : i64}>} {
}
