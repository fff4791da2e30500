// SPDX-License-Identifier: MIT
#include "goodput/commands.hpp"

int main(int argc, char** argv) { return goodput::cli_main(argc, argv); }
