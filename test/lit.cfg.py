# -*- Python -*-
import os
import lit.formats

config.name = "d1c"
# RUN lines go to bash: loops and subshells work as written.
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".s", ".test", ".mlir", ".onnxtxt"]
config.excludes = ["Inputs", "unit", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.d1_obj_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.d1_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
config.substitutions.append(("%utils", os.path.join(config.d1_src_root, "utils")))
config.substitutions.append(("%examples", os.path.join(config.d1_src_root, "examples")))
config.substitutions.append(("%src", config.d1_src_root))
config.substitutions.append(("%obj", config.d1_obj_root))
for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
