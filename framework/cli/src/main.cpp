// SPDX-License-Identifier: MIT
#include "goodput/cli.hpp"

int main(int argc, char** argv) { return goodput::cli_main(argc, argv); }
