// kadm certs certificate-key (the other certs commands arrive with the PKI work).
#include <fmt/format.h>
#include <sys/random.h>

#include <iostream>

#include "cli/root.h"
#include "util/error.h"

namespace kadm::cli {

void add_certs_commands(Command& root) {
  auto& certs = root.add("certs", "Commands related to handling kubernetes certificates");
  auto& key = certs.add("certificate-key", "Generate certificate keys");
  key.long_help = R"TXT(This command will print out a secure randomly-generated certificate key that can be used with
the "init" command.

You can also use "kadm init --upload-certs" without specifying a certificate key and it will
generate and print one for you.)TXT";
  key.run = [](Invocation&) {
    unsigned char buf[32];
    if (getrandom(buf, sizeof buf, 0) != static_cast<ssize_t>(sizeof buf))
      throw Error("cannot read random bytes from the kernel (getrandom)");
    std::string hex;
    for (unsigned char b : buf) hex += fmt::format("{:02x}", b);
    std::cout << hex << "\n";
    return 0;
  };
}

}  // namespace kadm::cli
