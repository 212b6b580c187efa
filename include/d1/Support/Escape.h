//===- Escape.h - Untrusted text in one-line messages -----------*- C++ -*-===//
//
// Names and strings read from input files (ONNX node, value, attribute and
// dimension names, file locations) are shown in error messages. A newline,
// NUL or escape sequence in one must not break the message's single line or
// reach the terminal, and a huge one must not flood it. Plain C++, no MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef D1_SUPPORT_ESCAPE_H
#define D1_SUPPORT_ESCAPE_H

#include <cstddef>
#include <string>
#include <string_view>

namespace d1 {

/// Text as printable ASCII: bytes 0x20..0x7e are kept (except '\'), and
/// the rest written as \n, \t, \\, \0 or \xNN (two lowercase hex digits).
/// Only the first MaxLen bytes are shown; a longer text ends in "...".
/// Escaping printable ASCII without backslashes is the identity.
std::string escape(std::string_view Text, size_t MaxLen = 200);

/// Escapes only bytes outside 0x20..0x7e (backslashes are kept), with no
/// length limit: a last guard over a whole message whose model-supplied
/// parts may not all have gone through escape(). Idempotent, and the
/// identity on escape()'s output.
std::string escapeControl(std::string_view Text);

/// Text as valid UTF-8, for the string fields of protobuf messages (proto3
/// refuses to parse invalid UTF-8): valid sequences are kept, every other
/// byte becomes \xNN. Valid UTF-8 comes back unchanged.
std::string validUtf8(std::string_view Text);

} // namespace d1

#endif
