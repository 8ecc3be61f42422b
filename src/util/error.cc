#include "util/error.h"

namespace kadm {

std::string Error::render() const {
  std::string out;
  if (!where_.file.empty()) {
    out += where_.file;
    if (where_.line > 0) {
      out += ":" + std::to_string(where_.line);
      if (where_.column > 0) out += ":" + std::to_string(where_.column);
    }
    out += ": ";
  }
  if (!where_.document.empty()) out += where_.document + ": ";
  if (!where_.field.empty()) out += where_.field + ": ";
  out += what();
  if (!hint_.empty()) out += " (" + hint_ + ")";
  return out;
}

}  // namespace kadm
