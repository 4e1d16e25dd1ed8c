// core/proc/exec_script: the "#!" line, parsed as Linux's load_script
// parses it (more cases than test/linuxdiff/exec_script makes: NULs in
// the line, a name that ends exactly at the buffer's end, CR).
#include <catch2/catch.hpp>

#include <string>

#include "core/proc/exec_script.h"

using namespace tine;

namespace {

struct Parsed {
  bool ok;
  std::string name, arg;
  bool has_arg;
};

Parsed parse(const std::string& text) {
  static ScriptLine line;
  Result<void> r = script_parse(reinterpret_cast<const u8*>(text.data()), text.size(), line);
  if (!r.ok()) {
    CHECK(r.error() == Error::NoExec);
    return {false, "", "", false};
  }
  return {true, line.name, line.arg ? line.arg : "", line.arg != nullptr};
}

}  // namespace

TEST_CASE("script_is wants #! at the very start", "[exec_script]") {
  CHECK(script_is(reinterpret_cast<const u8*>("#!/bin/sh"), 9));
  CHECK_FALSE(script_is(reinterpret_cast<const u8*>("#"), 1));
  CHECK_FALSE(script_is(reinterpret_cast<const u8*>(" #!/bin/sh"), 10));
  CHECK_FALSE(script_is(reinterpret_cast<const u8*>("\x7f" "ELF"), 4));
}

TEST_CASE("a name and an optional argument", "[exec_script]") {
  Parsed p = parse("#!/bin/sh\necho hi\n");
  CHECK(p.ok);
  CHECK(p.name == "/bin/sh");
  CHECK_FALSE(p.has_arg);

  p = parse("#!  /usr/bin/env \t python3 -u  \t\n");
  CHECK(p.name == "/usr/bin/env");
  CHECK(p.arg == "python3 -u");  // one argument, inner blanks kept

  p = parse("#!/bin/sh   \n");  // trailing blanks are no argument
  CHECK(p.name == "/bin/sh");
  CHECK_FALSE(p.has_arg);

  p = parse("#!/bin/sh\r\n");  // CR is part of the name, as on Linux
  CHECK(p.name == "/bin/sh\r");
}

TEST_CASE("no name is ENOEXEC", "[exec_script]") {
  CHECK_FALSE(parse("#!\n").ok);
  CHECK_FALSE(parse("#! \t \n").ok);
  CHECK_FALSE(parse(std::string("#!") + std::string(300, ' ')).ok);
}

TEST_CASE("a line that ends at a NUL names \"\"", "[exec_script]") {
  // Linux's search for the name stops at the NUL padding of a short file
  // (or a NUL in it) and takes the empty name, which exec then finds to be
  // the cwd: EACCES (test/linuxdiff/exec_script).
  for (const std::string& text : {std::string("#!"), std::string("#!  "),
                                  std::string("#!\0/bin/sh\n", 11)}) {
    Parsed p = parse(text);
    CHECK(p.ok);
    CHECK(p.name.empty());
    CHECK_FALSE(p.has_arg);
  }
}

TEST_CASE("a NUL ends the name, and what follows is no argument", "[exec_script]") {
  Parsed p = parse(std::string("#!/bin/sh\0-x\n", 13));
  CHECK(p.ok);
  CHECK(p.name == "/bin/sh");
  CHECK_FALSE(p.has_arg);
}

TEST_CASE("the line is read from the first 256 bytes", "[exec_script]") {
  // A name cut by the buffer's end: ENOEXEC.
  CHECK_FALSE(parse("#!/" + std::string(300, 'x') + "\n").ok);
  // A name that fills the buffer but for one byte still has no end in it.
  CHECK_FALSE(parse("#!" + std::string(254, 'n') + "\n").ok);
  // A name ended by a blank inside the buffer: the argument is cut at
  // byte 255, which becomes the NUL.
  Parsed p = parse("#!/bin/x " + std::string(300, 'a') + "\n");
  CHECK(p.ok);
  CHECK(p.name == "/bin/x");
  CHECK(p.arg == std::string(255 - 9, 'a'));
  // A name whose newline is the buffer's last byte is whole.
  p = parse("#!" + std::string(253, 'n') + "\n");
  CHECK(p.ok);
  CHECK(p.name == std::string(253, 'n'));
}
